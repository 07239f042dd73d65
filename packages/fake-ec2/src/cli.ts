#!/usr/bin/env node
import { readFlags, runCli, stopOnSignals } from '../../fake-digitalocean/src';
import { DEFAULT_CREDENTIALS, FakeEc2Options, startFakeEc2 } from './fake';

const USAGE = `usage: fake-ec2 [--port 8090] [--host 127.0.0.1] [--region us-east-1]... [--base-image nx-bake/debian:bookworm]
                [--ssh-port 22] [--status-delay-ms 500] [--image-delay-ms 500] [--model service-2.json]
Credentials: FAKE_EC2_ACCESS_KEY_ID and FAKE_EC2_SECRET_ACCESS_KEY, else ${DEFAULT_CREDENTIALS.accessKeyId} / ${DEFAULT_CREDENTIALS.secretAccessKey}.
Ctrl-C stops it and removes every container and image it made.`;

async function main(argv: string[]): Promise<void> {
  const regions: string[] = [];
  const options: FakeEc2Options = { port: 8090 };
  const start = readFlags(argv, USAGE, {
    '--port': (v) => (options.port = Number(v)),
    '--host': (v) => (options.host = v),
    '--region': (v) => void regions.push(v),
    '--base-image': (v) => (options.baseImage = v),
    '--ssh-port': (v) => (options.sshPort = Number(v)),
    '--status-delay-ms': (v) => (options.statusDelayMs = Number(v)),
    '--image-delay-ms': (v) => (options.imageDelayMs = Number(v)),
    '--model': (v) => (options.modelPath = v),
  });
  if (!start) return;
  const { FAKE_EC2_ACCESS_KEY_ID: accessKeyId, FAKE_EC2_SECRET_ACCESS_KEY: secretAccessKey } = process.env;
  const fake = await startFakeEc2({
    ...options,
    regions: regions.length ? regions : undefined,
    credentials: accessKeyId && secretAccessKey ? [{ accessKeyId, secretAccessKey }] : undefined,
    onViolation: (v) => console.error(`contract violation (${v.direction}) ${v.operationId ?? v.method}:\n  ${v.problems.join('\n  ')}`),
  });
  const [credentials] = fake.credentials;
  console.log(`fake EC2 at ${fake.url} (model ${fake.modelPath}); access key ${credentials.accessKeyId}; admin at ${fake.url}/_fake/state`);
  stopOnSignals(fake.stop, 'stopping: removing instances and AMIs');
}

runCli(main);
