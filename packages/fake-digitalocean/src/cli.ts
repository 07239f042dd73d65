#!/usr/bin/env node
import { readFlags, runCli, stopOnSignals } from './cli-support';
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
  const start = readFlags(
    argv,
    USAGE,
    {
      '--port': (v) => (port = Number(v)),
      '--host': (v) => (host = v),
      '--token': (v) => void tokens.push(v),
      '--image': (v) => {
        const [slug, local] = v.split('=');
        images[slug] = local;
      },
      '--ssh-port': (v) => (sshPort = Number(v)),
      '--active-delay-ms': (v) => (activeDelayMs = Number(v)),
      '--action-delay-ms': (v) => (actionDelayMs = Number(v)),
    },
    { '--strict': () => (strict = true) },
  );
  if (!start) return;
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
  stopOnSignals(fake.stop, 'stopping: removing droplets and snapshots');
}

runCli(main);
