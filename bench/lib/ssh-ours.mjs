// nx-bake's side of the SSH cases, as its own process (like every other side: a command the bench times
// from spawn to exit): connect the SSH communicator, do one thing, close.
//   node ssh-ours.mjs <plugin dir> '<json spec>'
// spec: { host, port, keyFile, tempDir, op: 'uploadDirectory' | 'upload' | 'ansible', local, remote,
//         playbook, pipelineDir, vars }
// The last stdout line is JSON with the phases' own durations (ms), for profiling.
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const [pluginDir, json] = process.argv.slice(2);
const spec = JSON.parse(json);
const require = createRequire(import.meta.url);
const t0 = performance.now();
const ssh = require(join(pluginDir, 'dist', 'communicators', 'ssh', 'index.js'));
const { runProvisioner } = require(join(pluginDir, 'dist', 'provisioners', 'index.js'));
const phases = { load: performance.now() - t0 };

const mark = async (name, fn) => {
  const start = performance.now();
  const value = await fn();
  phases[name] = performance.now() - start;
  return value;
};

const communicator = await mark('connect', () =>
  ssh.connectSshCommunicator(
    { ssh_host: spec.host, ssh_port: String(spec.port), ssh_username: 'root', ssh_private_key_file: spec.keyFile, ssh_timeout: '30s' },
    undefined,
    { tempDir: spec.tempDir },
  ),
);
try {
  await mark(spec.op, async () => {
    if (spec.op === 'uploadDirectory') return communicator.uploadDirectory(spec.local, spec.remote);
    if (spec.op === 'upload') return communicator.upload(createReadStream(spec.local), spec.remote, { mode: 0o644 });
    if (spec.op === 'ansible') {
      // Every line stamped (as Packer's -timestamp-ui does), so the bench can tell task time from overhead.
      const write = (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
      let pending = '';
      const log = {
        info: write,
        warn: (message) => write(`WARN ${message}`),
        output: (_stream, chunk) => {
          const lines = (pending + chunk.toString()).split('\n');
          pending = lines.pop();
          for (const line of lines) write(line);
        },
        flush: () => {
          if (pending) write(pending);
          pending = '';
        },
      };
      return runProvisioner(
        { type: 'ansible', playbook: spec.playbook, vars: spec.vars },
        {
          communicator,
          log,
          signal: new AbortController().signal,
          pipelineDir: spec.pipelineDir,
          workspaceRoot: spec.pipelineDir,
          builderName: 'ssh',
          builderType: 'null',
          tempDir: spec.tempDir,
          renderFile: () => {
            throw new Error('no templates here');
          },
        },
      ).finally(() => log.flush());
    }
    throw new Error(`unknown op ${spec.op}`);
  });
} finally {
  await mark('close', () => communicator.close());
}
process.stdout.write(`${JSON.stringify({ phasesMs: Object.fromEntries(Object.entries(phases).map(([key, value]) => [key, Math.round(value)])) })}\n`);
