// The floors: the same work a case's sides do, done by the plain tools with the best settings this machine
// has — `docker run`, `ansible-playbook` with Mitogen's strategy (Debian's ansible-mitogen), `docker cp`,
// `docker exec`, `docker commit`, `docker rm`; ansible-playbook with Mitogen over ssh. No Nx, no Node in
// between, no SSH proxy adapter. A floor over the reference is the best ratio any tool could reach here
// doing the work the same way; a target below its floor cannot be met by making nx-bake faster.
import { accessSync, constants, openSync, readSync, closeSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { mustRun, sh } from './util.mjs';

/** As nx-bake's docker builder keeps its container alive (create-container.ts), under an init. */
const KEEP_ALIVE = ['--init', '--entrypoint', '/bin/sh'];
const KEEP_ALIVE_CMD = ['-c', 'while :; do sleep 3600; done'];

/**
 * Mitogen's strategy folder, asked of the Python that runs ansible-playbook (its `#!` line: Debian's
 * ansible-mitogen is installed for /usr/bin/python3). `{ dir }` or `{ reason }` when it cannot be used.
 */
export function findMitogen() {
  const playbook = process.env.PATH.split(delimiter).map((dir) => join(dir, 'ansible-playbook')).find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (!playbook) return { reason: 'ansible-playbook is not on PATH' };
  const buffer = Buffer.alloc(256);
  const fd = openSync(playbook, 'r');
  const read = readSync(fd, buffer, 0, 256, 0);
  closeSync(fd);
  const shebang = buffer.subarray(0, read).toString().split('\n')[0];
  const python = shebang.startsWith('#!') ? shebang.slice(2).trim().split(/\s+/).filter((word) => !/(^|\/)env$/.test(word) && word !== '-S') : ['python3'];
  const dir = sh(python[0], [...python.slice(1), '-c', 'import ansible_mitogen, os; print(os.path.dirname(ansible_mitogen.__file__))'], { allowFail: true });
  if (!dir) return { reason: `ansible-mitogen is not importable by ${python.join(' ')} (apt-get install ansible-mitogen)` };
  return { dir: join(dir, 'plugins', 'strategy'), python: python.join(' ') };
}

/**
 * What Ansible's apt module does first when the instance's Python lacks python3-apt (the base image does):
 * `apt-get update`, `apt-get install --no-install-recommends python3-apt`, then it respawns itself under
 * that Python. Mitogen runs modules in its own kept-running Python and cannot respawn them
 * (mitogen-hq/mitogen#849: "module '__main__' has no attribute '_module_fqn'"), so a floor whose playbook
 * uses apt runs this first — the same work, done before the playbook instead of inside its first apt task.
 */
export const APT_BINDINGS = "python3 -c 'import apt' 2>/dev/null || { apt-get update -q && apt-get install --no-install-recommends -y -q python3-apt; }";

/** ansible-playbook's best settings here: Mitogen's linear strategy, pipelining, no host key check, no colour. */
export function plainAnsibleEnv(mitogen, extra = {}) {
  const env = {
    ...process.env,
    ANSIBLE_STRATEGY_PLUGINS: mitogen.dir,
    ANSIBLE_STRATEGY: 'mitogen_linear',
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_HOST_KEY_CHECKING: 'False',
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
    ANSIBLE_NOCOLOR: '1',
    ...extra,
  };
  delete env.ANSIBLE_FORCE_COLOR;
  return env;
}

/** A one-host INI inventory (`target`) with these host vars. */
export function writeInventory(file, vars) {
  const quote = (value) => (/^[\w./:@-]+$/.test(String(value)) ? String(value) : `'${String(value).replace(/'/g, "'\\''")}'`);
  writeFileSync(file, `target ${Object.entries(vars).map(([key, value]) => `${key}=${quote(value)}`).join(' ')}\n`);
  return file;
}

/**
 * One docker stage by hand, as nx-bake's docker builder and Packer's do it, with the plain tools:
 * `docker run` of `image` (host network), then `before` (a shell command, by docker exec), for each of `playbooks` ansible-playbook with Mitogen and
 * `ansible_connection=docker`, then `then(containerId)` (docker cp / docker exec steps), `docker commit`
 * with `changes` (ENTRYPOINT and CMD put back to the base's, as nx-bake's commit does) and `docker rm -f`.
 * Resolves with the committed image's ID. `made` collects it at once, for clean-up after a failure.
 */
export async function dockerStageByHand({ image, playbooks = [], before, then, changes = [], baseCmd, label, dir, mitogen, logFile, name, made }) {
  const log = { logFile };
  const run = await mustRun('docker', ['run', '-d', '--network=host', '--label', label, ...KEEP_ALIVE, image, ...KEEP_ALIVE_CMD], { ...log, label: `${name}: docker run` });
  const container = run.output.trim().split('\n').at(-1);
  try {
    if (before) await mustRun('docker', ['exec', container, '/bin/sh', '-c', before], { ...log, label: `${name}: docker exec (before the playbook)` });
    for (const { playbook, varsFile } of playbooks) {
      const inventory = writeInventory(join(dir, `${name}-inventory`), { ansible_connection: 'docker', ansible_host: container, ansible_python_interpreter: '/usr/bin/python3' });
      await mustRun('ansible-playbook', ['-i', inventory, ...(varsFile ? ['--extra-vars', `@${varsFile}`] : []), playbook], {
        ...log,
        env: plainAnsibleEnv(mitogen),
        label: `${name}: ansible-playbook (mitogen, docker connection)`,
      });
    }
    if (then) await then(container);
    const put = ['ENTRYPOINT []', ...(baseCmd ? [`CMD ${baseCmd}`] : []), ...changes].flatMap((change) => ['--change', change]);
    const commit = await mustRun('docker', ['commit', ...put, container], { ...log, label: `${name}: docker commit` });
    const id = commit.output.trim().split('\n').at(-1);
    made?.push(id);
    return id;
  } finally {
    await mustRun('docker', ['rm', '-f', '-v', container], { ...log, label: `${name}: docker rm` }).catch(() => {});
  }
}

/** The base image's Cmd as a `CMD` instruction's JSON (null when it has none). */
export function imageCmd(image) {
  const cmd = sh('docker', ['image', 'inspect', '--format', '{{json .Config.Cmd}}', image], { allowFail: true });
  return cmd && cmd !== 'null' ? cmd : null;
}

/** Runs `command` in a throw-away container of `image` and returns its stdout (for checking results). */
export function inImage(image, command) {
  return sh('docker', ['run', '--rm', '--network=none', '--entrypoint', '/bin/sh', image, '-c', command], { allowFail: true });
}
