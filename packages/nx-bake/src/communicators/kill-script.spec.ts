import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KILL_SCRIPT, MARKER_VAR } from './kill-script';

/** Whether any process runs `sleep <seconds>` (the test's own, by their unusual durations). */
function sleeping(seconds: number): boolean {
  return spawnSync('pgrep', ['-f', `^sleep ${seconds}$`]).status === 0;
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition(); ) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A marked command as the communicators start one: its own process group (an SSH session), with a child, a
 * child whose environment is wiped (as sudo does), and a job that outlives its parent (reparented, unmarked,
 * in the group).
 */
function startMarkedTree(marker: string, base: number) {
  const child = spawn('/bin/sh', ['-c', `sleep ${base} & env -i sleep ${base + 1} & env -i /bin/sh -c 'sleep ${base + 2} &'; wait`], {
    env: { ...process.env, [MARKER_VAR]: marker },
    detached: true,
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { exited, durations: [base, base + 1, base + 2] };
}

describe('KILL_SCRIPT', () => {
  // PATHs with only what a minimal image is sure to have: no awk, and then no `grep -z` either (as busybox
  // built without it): the script must fall back to its sh loops.
  const scratch = mkdtempSync(join(tmpdir(), 'nx-bake-kill-'));
  const toolbox = (name: string, grepWithoutZ = false) => {
    const dir = join(scratch, name);
    mkdirSync(dir);
    for (const tool of ['sh', 'tr', 'grep', 'sed', 'cat']) symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`]).toString().trim(), join(dir, tool));
    if (grepWithoutZ) {
      rmSync(join(dir, 'grep'));
      writeFileSync(join(dir, 'grep'), `#!/bin/sh\ncase "$1" in -*z*) exit 2 ;; esac\nexec ${execFileSync('sh', ['-c', 'command -v grep']).toString().trim()} "$@"\n`, { mode: 0o755 });
    }
    return dir;
  };
  const withoutAwk = toolbox('no-awk');
  const withoutAwkOrGrepZ = toolbox('no-awk-no-grep-z', true);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each([
    ['with awk and grep -z', process.env.PATH ?? '/usr/bin:/bin', 7301],
    ['without awk', withoutAwk, 7311],
    ['without awk or grep -z', withoutAwkOrGrepZ, 7321],
  ])('kills the marked processes, their descendants and the groups they lead (%s)', async (_how, path, base) => {
    const marker = randomUUID();
    const tree = startMarkedTree(marker, base);
    await until(() => tree.durations.every(sleeping));
    const other = spawn('sleep', [String(base + 5)], { env: { ...process.env, [MARKER_VAR]: randomUUID() }, stdio: 'ignore' });
    try {
      execFileSync('/bin/sh', ['-c', KILL_SCRIPT, 'sh', marker], { env: { PATH: path }, timeout: 20_000 });
      await tree.exited;
      await until(() => !tree.durations.some(sleeping));
      // Another command's processes (another marker) are left alone.
      expect(sleeping(base + 5)).toBe(true);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('exits 0 when nothing carries the marker', () => {
    expect(spawnSync('/bin/sh', ['-c', KILL_SCRIPT, 'sh', randomUUID()]).status).toBe(0);
  });
});
