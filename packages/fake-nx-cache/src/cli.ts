#!/usr/bin/env node
import { startFakeNxCache } from './server';

const USAGE = `usage: fake-nx-cache [--port 8090] [--host 127.0.0.1] [--token T]... [--read-only-token T]...
Nx's self-hosted remote cache in memory: point NX_SELF_HOSTED_REMOTE_CACHE_SERVER at the URL it prints and
NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN at a token. Tokens also come from FAKE_NX_CACHE_TOKENS (comma-separated).
Every request and response is checked against nx-remote-cache.openapi.json; departures are printed.`;

async function main(argv: string[]): Promise<void> {
  const tokens: (string | { token: string; readOnly: boolean })[] = (process.env.FAKE_NX_CACHE_TOKENS ?? '').split(',').filter(Boolean);
  let port = 8090;
  let host: string | undefined;
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
    else if (arg === '--read-only-token') tokens.push({ token: value(), readOnly: true });
    else if (arg === '--help' || arg === '-h') return void console.log(USAGE);
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  if (tokens.length === 0) throw new Error(`give at least one --token\n${USAGE}`);
  const cache = await startFakeNxCache({
    port,
    host,
    tokens,
    onViolation: (v) => console.error(`contract violation (${v.direction}) ${v.method} ${v.url} → ${v.status}:\n  ${v.problems.join('\n  ')}`),
  });
  console.log(`fake Nx remote cache at ${cache.url} (tokens: ${tokens.length})`);
  const stop = (): void => {
    cache.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(error.message);
  process.exit(2);
});
