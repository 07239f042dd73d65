#!/usr/bin/env node
import { startFakeEc2, DEFAULT_CREDENTIALS } from './fake';

const USAGE = `usage: fake-ec2 [--port 8090] [--host 127.0.0.1] [--region us-east-1]... [--base-image nx-bake/debian:bookworm]
                [--ssh-port 22] [--status-delay-ms 500] [--image-delay-ms 500] [--model service-2.json]
Credentials: FAKE_EC2_ACCESS_KEY_ID and FAKE_EC2_SECRET_ACCESS_KEY, else ${DEFAULT_CREDENTIALS.accessKeyId} / ${DEFAULT_CREDENTIALS.secretAccessKey}.
Ctrl-C stops it and removes every container and image it made.`;

async function main(argv: string[]): Promise<void> {
  const regions: string[] = [];
  let port = 8090;
  let host: string | undefined;
  let baseImage: string | undefined;
  let sshPort: number | undefined;
  let statusDelayMs: number | undefined;
  let imageDelayMs: number | undefined;
  let modelPath: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === '--port') port = Number(value());
    else if (arg === '--host') host = value();
    else if (arg === '--region') regions.push(value());
    else if (arg === '--base-image') baseImage = value();
    else if (arg === '--ssh-port') sshPort = Number(value());
    else if (arg === '--status-delay-ms') statusDelayMs = Number(value());
    else if (arg === '--image-delay-ms') imageDelayMs = Number(value());
    else if (arg === '--model') modelPath = value();
    else if (arg === '--help' || arg === '-h') return void console.log(USAGE);
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  const { FAKE_EC2_ACCESS_KEY_ID: accessKeyId, FAKE_EC2_SECRET_ACCESS_KEY: secretAccessKey } = process.env;
  const fake = await startFakeEc2({
    port,
    host,
    regions: regions.length ? regions : undefined,
    baseImage,
    sshPort,
    statusDelayMs,
    imageDelayMs,
    modelPath,
    credentials: accessKeyId && secretAccessKey ? [{ accessKeyId, secretAccessKey }] : undefined,
    onViolation: (v) => console.error(`contract violation (${v.direction}) ${v.operationId ?? v.method}:\n  ${v.problems.join('\n  ')}`),
  });
  const [credentials] = fake.credentials;
  console.log(`fake EC2 at ${fake.url} (model ${fake.modelPath}); access key ${credentials.accessKeyId}; admin at ${fake.url}/_fake/state`);
  const stop = (): void => {
    console.log('stopping: removing instances and AMIs');
    fake.stop().then(
      () => process.exit(0),
      (error: Error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(error.message);
  process.exit(2);
});
