#!/usr/bin/env node
import { startFakeDigitalOcean } from './fake';

const USAGE = `usage: fake-digitalocean [--port 8089] [--host 127.0.0.1] [--token T]... [--image slug=local-image]...
                         [--strict] [--ssh-port 22] [--active-delay-ms 1000] [--action-delay-ms 300]
Tokens also come from FAKE_DO_TOKENS (comma-separated); with none, the token is "fake-token".
Ctrl-C stops it and removes every container and image it made.`;

async function main(argv: string[]): Promise<void> {
  const tokens: string[] = (process.env.FAKE_DO_TOKENS ?? '').split(',').filter(Boolean);
  const images: Record<string, string> = {};
  let port = 8089;
  let host: string | undefined;
  let strict = false;
  let sshPort: number | undefined;
  let activeDelayMs: number | undefined;
  let actionDelayMs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === '--port') port = Number(value());
    else if (arg === '--host') host = value();
    else if (arg === '--token') tokens.push(value());
    else if (arg === '--image') {
      const [slug, local] = value().split('=');
      images[slug] = local;
    } else if (arg === '--strict') strict = true;
    else if (arg === '--ssh-port') sshPort = Number(value());
    else if (arg === '--active-delay-ms') activeDelayMs = Number(value());
    else if (arg === '--action-delay-ms') actionDelayMs = Number(value());
    else if (arg === '--help' || arg === '-h') return void console.log(USAGE);
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  if (tokens.length === 0) tokens.push('fake-token');
  const fake = await startFakeDigitalOcean({
    port,
    host,
    tokens,
    images: Object.keys(images).length ? images : undefined,
    strict,
    sshPort,
    activeDelayMs,
    actionDelayMs,
    onViolation: (v) => console.error(`contract violation (${v.direction}) ${v.method} ${v.url}:\n  ${v.problems.join('\n  ')}`),
  });
  console.log(`fake DigitalOcean API at ${fake.url} (tokens: ${tokens.length}); admin at ${fake.url}/_fake/state`);
  const stop = (): void => {
    console.log('stopping: removing droplets and snapshots');
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
