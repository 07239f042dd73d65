// The fake clouds of the test tooling, started by their own CLIs (as `npm run fake:digitalocean` and
// `npm run fake:ec2` do) for the bench's cloud case: a process each, stopped with SIGINT, which removes
// every container and image it made.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot, sh } from './util.mjs';

const FAKES = {
  digitalocean: { tsconfig: 'packages/fake-digitalocean/tsconfig.json', cli: 'packages/fake-digitalocean/dist/cli.js' },
  ec2: { tsconfig: 'packages/fake-ec2/tsconfig.json', cli: 'packages/fake-ec2/dist/fake-ec2/src/cli.js' },
};

/** Starts a fake on `port` with `args`; resolves with its URL once it says it listens. */
export async function startFake(kind, { port, args = [], logFile, cleanup }) {
  const { tsconfig, cli } = FAKES[kind];
  sh(join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', tsconfig], { cwd: repoRoot });
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [cli, '--port', String(port), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const release = cleanup.add(`fake ${kind}`, async () => {
    child.kill('SIGINT');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  });
  const url = await new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen += chunk.toString();
      const match = seen.match(/ at (http:\/\/127\.[0-9.]+:\d+)/);
      if (match) resolve(match[1]);
    });
    exited.then((code) => reject(new Error(`fake ${kind} exited (${code}) before it listened; log: ${logFile}`)));
  });
  return { url, stop: release };
}
