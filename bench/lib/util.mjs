// Small helpers shared by every case: processes with wall-clock timing, statistics, logging, clean-up.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

export const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(benchDir, '..');

const started = performance.now();

/** Commands under way (to stop them before cleaning up after Ctrl-C). */
export const running = new Set();
let stopping = false;

/** Stops every command under way (SIGTERM, then SIGKILL after `graceMs`) and waits for them. */
export async function stopRunning(graceMs = 15_000) {
  stopping = true;
  const children = [...running];
  for (const child of children) child.kill('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (running.size && Date.now() < deadline) await sleep(100);
  for (const child of running) child.kill('SIGKILL');
  while (running.size) await sleep(50);
}

/** Progress of the bench itself, on stderr (stdout gets the table). */
export function say(message) {
  const elapsed = ((performance.now() - started) / 1000).toFixed(0).padStart(5);
  process.stderr.write(`[bench ${elapsed}s] ${message}\n`);
}

/**
 * Runs a command to completion and measures its wall time (spawn to exit, in seconds). Output goes to
 * `logFile` (appended) and the last 64 KB of it is kept for errors and parsing. Never throws for a
 * non-zero exit: callers check `status`. `onSpawn(child)` sees the child right after spawn (samplers).
 */
export function timed(command, args, options = {}) {
  const { cwd, env, logFile, input, timeoutMs = 30 * 60_000, onSpawn, label, keepBytes = 65_536 } = options;
  return new Promise((resolvePromise, reject) => {
    if (stopping) {
      reject(new Error('the bench is stopping'));
      return;
    }
    let log;
    if (logFile) {
      mkdirSync(dirname(logFile), { recursive: true });
      log = createWriteStream(logFile, { flags: 'a' });
      log.write(`\n===== ${new Date().toISOString()} ${label ?? ''} $ ${command} ${args.join(' ')}\n`);
    }
    let tail = '';
    const keep = (chunk) => {
      log?.write(chunk);
      tail = (tail + chunk.toString()).slice(-keepBytes);
    };
    const t0 = performance.now();
    const child = spawn(command, args, { cwd, env: env ?? process.env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    running.add(child);
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    if (input !== undefined) child.stdin.end(input);
    const timer = setTimeout(() => {
      keep(`\n[bench] timed out after ${timeoutMs} ms: killing\n`);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('error', (error) => {
      running.delete(child);
      clearTimeout(timer);
      reject(error);
    });
    onSpawn?.(child);
    child.on('close', (status, signal) => {
      running.delete(child);
      const seconds = (performance.now() - t0) / 1000;
      clearTimeout(timer);
      const done = () => resolvePromise({ status, signal, seconds, output: tail });
      if (log) log.end(`\n===== exit ${status ?? signal} after ${seconds.toFixed(2)} s\n`, done);
      else done();
    });
  });
}

/** `timed`, but a non-zero exit is an error carrying the output's tail. */
export async function mustRun(command, args, options = {}) {
  const result = await timed(command, args, options);
  if (result.status !== 0) {
    throw new Error(`${options.label ?? command} failed (${result.status ?? result.signal}) after ${result.seconds.toFixed(1)} s${options.logFile ? ` (log: ${options.logFile})` : ''}:\n${result.output.slice(-4000)}`);
  }
  return result;
}

/** Synchronous command for set-up and clean-up; returns trimmed stdout, throws on failure unless `allowFail`. */
export function sh(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  if (result.error) {
    if (options.allowFail) return '';
    throw result.error;
  }
  if (result.status !== 0 && !options.allowFail) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return (result.stdout ?? '').trim();
}

export function median(values) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export const round = (value, digits = 3) => (value === null || value === undefined ? null : Math.round(value * 10 ** digits) / 10 ** digits);

/** Median, min and max of measured runs. */
export function summarize(values) {
  return { median: round(median(values)), min: values.length ? round(Math.min(...values)) : null, max: values.length ? round(Math.max(...values)) : null };
}

/** Things to undo, last first; run on success, failure and Ctrl-C. */
export class CleanupStack {
  #items = [];
  add(name, fn) {
    const item = { name, fn };
    this.#items.push(item);
    return async () => {
      const index = this.#items.indexOf(item);
      if (index >= 0) this.#items.splice(index, 1);
      await fn();
    };
  }
  async runAll() {
    while (this.#items.length) {
      const { name, fn } = this.#items.pop();
      try {
        await fn();
      } catch (error) {
        say(`clean-up "${name}" failed: ${error.message}`);
      }
    }
  }
}

export const sleep = (ms) => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

/** Environment for Nx in the temp workspaces: no daemon, no cloud, no TUI, plain progress lines. */
export function nxEnv(extra = {}) {
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', ...extra };
  delete env.NX_SKIP_NX_CACHE;
  for (const [key, value] of Object.entries(extra)) if (value === undefined) delete env[key];
  return env;
}

export const logPath = (workDir, name) => join(workDir, 'logs', `${name}.log`);
