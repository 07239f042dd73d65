import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..', '..', '..');

export interface TestWorkspace {
  root: string;
  /** Runs the workspace's nx with the daemon off; never throws on a non-zero exit. */
  nx(args: string[], options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): NxResult;
  /** Like `nx`, without blocking this process's event loop (for tests that serve something to the bake themselves). */
  nxAsync(args: string[], options?: { env?: NodeJS.ProcessEnv }): Promise<NxResult>;
  /** Starts nx in its own process group (as a shell would for Ctrl-C). */
  spawnNx(args: string[], options?: { env?: NodeJS.ProcessEnv }): ChildProcess;
  write(path: string, content: string): void;
  git(args: string[]): string;
  remove(): void;
}

export interface NxResult {
  status: number | null;
  stdout: string;
  stderr: string;
  output: string;
}

/**
 * A real Nx workspace in a temp folder: the repo's example (pipelines, apps) or files given, nx.json
 * registering nx-bake, and the repo's node_modules linked in (nx-bake itself resolves to the built package).
 */
export function createWorkspace(options: { copy?: string[]; files?: Record<string, string>; name?: string; cloneOf?: string } = {}): TestWorkspace {
  const root = mkdtempSync(join(tmpdir(), `${options.name ?? 'nx-bake-ws'}-`));
  // A fresh clone of another test workspace (another CI runner's checkout): its files and history only.
  if (options.cloneOf) {
    const cloned = spawnSync('git', ['clone', '-q', options.cloneOf, root], { encoding: 'utf8' });
    if (cloned.status !== 0) throw new Error(`git clone ${options.cloneOf}: ${cloned.stderr}`);
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'));
  if (!options.cloneOf) {
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'test-workspace', private: true, workspaces: ['apps/*'] }, null, 2));
    writeFileSync(
      join(root, 'nx.json'),
      JSON.stringify({ neverConnectToCloud: true, analytics: false, plugins: [{ plugin: 'nx-bake', options: {} }] }, null, 2),
    );
    writeFileSync(join(root, '.gitignore'), 'node_modules\ndist\n.nx\n');
    for (const path of options.copy ?? []) cpSync(join(repoRoot, path), join(root, path), { recursive: true });
  }
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  for (const [path, content] of Object.entries(options.files ?? {})) write(path, content);
  const env = (extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
    ...process.env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NX_SKIP_NX_CACHE: undefined,
    CI: 'true',
    ...extra,
  });
  const git = (args: string[]) => {
    const result = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
    return result.stdout.trim();
  };
  if (!options.cloneOf) git(['init', '-q', '-b', 'main']);
  git(['config', 'user.email', 'test@example.invalid']);
  git(['config', 'user.name', 'nx-bake tests']);
  if (!options.cloneOf) {
    git(['add', '-A']);
    git(['commit', '-q', '-m', 'initial']);
  }
  return {
    root,
    write,
    git,
    nx(args, opts = {}) {
      const result = spawnSync(join(root, 'node_modules', '.bin', 'nx'), args, {
        cwd: root,
        env: env(opts.env),
        encoding: 'utf8',
        timeout: opts.timeoutMs ?? 600_000,
        maxBuffer: 64 * 1024 * 1024,
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}\n${result.stderr}` };
    },
    nxAsync(args, opts = {}) {
      return new Promise((resolve, reject) => {
        const child = spawn(join(root, 'node_modules', '.bin', 'nx'), args, { cwd: root, env: env(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk) => (stdout += chunk));
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('error', reject);
        child.on('close', (status) => resolve({ status, stdout, stderr, output: `${stdout}\n${stderr}` }));
      });
    },
    spawnNx(args, opts = {}) {
      return spawn(join(root, 'node_modules', '.bin', 'nx'), args, { cwd: root, env: env(opts.env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
