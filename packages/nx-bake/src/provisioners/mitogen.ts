import { execFile } from 'node:child_process';
import { accessSync, constants, openSync, readSync, closeSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { Communicator } from '../communicators/communicator';

/** Mitogen for Ansible, as found next to the ansible-core that `ansible-playbook` runs on. */
export type MitogenProbe = { usable: true; strategyDir: string } | { usable: false; reason: string };

/**
 * Asks the Python that runs ansible-playbook whether it can import ansible_mitogen and whether that release
 * supports its ansible-core. Mitogen checks the version itself when its strategy loads (loaders.py's
 * ANSIBLE_VERSION_MIN/MAX); importing that module costs ~0.5 s, so the probe reads the two constants instead
 * (~50 ms) and only imports when it cannot find them.
 */
const PROBE = `
import ast, importlib.util, json, os, sys
def answer(**fields):
    print(json.dumps(fields)); sys.exit(0)
spec = importlib.util.find_spec('ansible_mitogen')
if spec is None or not spec.submodule_search_locations:
    answer(state='missing')
base = list(spec.submodule_search_locations)[0]
from ansible.release import __version__ as ansible_version
limits = {}
try:
    with open(os.path.join(base, 'loaders.py')) as source:
        for node in ast.parse(source.read()).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and getattr(node.targets[0], 'id', '') in ('ANSIBLE_VERSION_MIN', 'ANSIBLE_VERSION_MAX'):
                limits[node.targets[0].id] = list(ast.literal_eval(node.value))
except (OSError, SyntaxError, ValueError):
    pass
if len(limits) < 2:
    try:
        import ansible_mitogen.loaders
    except Exception as error:
        answer(state='incompatible', dir=base, ansible=ansible_version, error=str(error).splitlines()[0])
answer(state='found', dir=base, ansible=ansible_version, min=limits.get('ANSIBLE_VERSION_MIN'), max=limits.get('ANSIBLE_VERSION_MAX'))
`;

interface ProbeAnswer {
  state: 'missing' | 'incompatible' | 'found';
  dir?: string;
  ansible?: string;
  min?: number[] | null;
  max?: number[] | null;
  error?: string;
}

const probes = new Map<string, Promise<MitogenProbe>>();

/** Probes once per interpreter and process: every ansible provisioner of a bake shares the answer. */
export function probeMitogen(env: NodeJS.ProcessEnv): Promise<MitogenProbe> {
  const found = ansiblePython(env);
  if ('reason' in found) return Promise.resolve({ usable: false, reason: found.reason });
  const key = `${found.python.join(' ')}\0${env.PYTHONPATH ?? ''}`;
  let probe = probes.get(key);
  if (!probe) {
    probe = runProbe(found.python, env);
    probes.set(key, probe);
  }
  return probe;
}

function runProbe(python: string[], env: NodeJS.ProcessEnv): Promise<MitogenProbe> {
  const [file, ...args] = python;
  return new Promise((resolve) => {
    execFile(file, [...args, '-c', PROBE], { env, timeout: 30_000 }, (error, stdout) => {
      if (error) return resolve({ usable: false, reason: `${python.join(' ')} could not be asked (${error.message.split('\n')[0]})` });
      try {
        resolve(readAnswer(JSON.parse(stdout) as ProbeAnswer, python.join(' ')));
      } catch {
        resolve({ usable: false, reason: `${python.join(' ')} gave no answer` });
      }
    });
  });
}

export function readAnswer(answer: ProbeAnswer, python: string): MitogenProbe {
  if (answer.state === 'missing') return { usable: false, reason: `ansible-mitogen is not installed for ${python}` };
  if (answer.state === 'incompatible') return { usable: false, reason: `ansible-mitogen does not support ansible-core ${answer.ansible}: ${answer.error}` };
  const version = (answer.ansible ?? '').split('.').slice(0, 2).map(Number);
  if (answer.min && compare(version, answer.min) < 0) {
    return { usable: false, reason: `ansible-mitogen supports ansible-core ${answer.min.join('.')} to ${answer.max?.join('.')}, not ${answer.ansible}` };
  }
  if (answer.max && compare(version, answer.max) > 0) {
    return { usable: false, reason: `ansible-mitogen supports ansible-core up to ${answer.max.join('.')}, not ${answer.ansible}` };
  }
  return { usable: true, strategyDir: join(answer.dir!, 'plugins', 'strategy') };
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * The interpreter of the ansible-playbook on PATH, from its `#!` line: `python3` on PATH is often another
 * Python (pyenv, a virtualenv) than the one ansible (and Debian's ansible-mitogen) is installed for.
 */
export function ansiblePython(env: NodeJS.ProcessEnv): { python: string[] } | { reason: string } {
  const playbook = findOnPath('ansible-playbook', env.PATH ?? '');
  if (!playbook) return { reason: 'ansible-playbook was not found on PATH' };
  const line = firstLine(playbook);
  if (!line.startsWith('#!')) return { reason: `${playbook} is not a script that names its Python` };
  const words = line.slice(2).trim().split(/\s+/);
  // `#!/usr/bin/env python3` (pipx, pip) names the interpreter through PATH.
  if (/(^|\/)env$/.test(words[0])) {
    const rest = words.slice(1).filter((word) => word !== '-S');
    const found = rest[0] && findOnPath(rest[0], env.PATH ?? '');
    return found ? { python: [found, ...rest.slice(1)] } : { reason: `${rest[0] ?? 'the Python'} named by ${playbook} was not found on PATH` };
  }
  return { python: words };
}

function findOnPath(name: string, path: string): string | undefined {
  if (isAbsolute(name)) return name;
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

function firstLine(file: string): string {
  const buffer = Buffer.alloc(256);
  const fd = openSync(file, 'r');
  try {
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).toString('utf8').split('\n')[0];
  } finally {
    closeSync(fd);
  }
}

/** Where Ansible looks first for a Python on the instance (its interpreter discovery's usual answers). */
const INSTANCE_PYTHONS = ['/usr/bin/python3', '/usr/libexec/platform-python', '/usr/local/bin/python3', '/usr/bin/python'];

const INSTANCE_CHECK = [
  `for python in ${INSTANCE_PYTHONS.join(' ')}; do`,
  '  [ -x "$python" ] || continue',
  '  echo "python=$python"',
  `  if command -v apt-get >/dev/null 2>&1 && ! "$python" -c 'import apt, apt_pkg' 2>/dev/null; then echo apt-bindings=missing; fi`,
  '  exit 0',
  'done',
].join('\n');

/**
 * Whether Mitogen can run this instance's playbook, and with which Python. Naming the interpreter spares
 * Mitogen a connection per guess (it starts one per candidate while Ansible discovers it). Ansible's apt
 * module, on a Debian without python3-apt, installs it and re-executes itself under a new interpreter, which
 * Mitogen's in-process modules cannot do (mitogen-hq/mitogen#849): such an instance gets plain Ansible.
 */
export async function mitogenInstance(
  communicator: Pick<Communicator, 'exec'>,
  signal: AbortSignal,
): Promise<{ usable: true; python: string } | { usable: false; reason: string }> {
  let output = '';
  const result = await communicator.exec(INSTANCE_CHECK, { signal, timeoutMs: 60_000, onStdout: (chunk) => (output += chunk.toString()) });
  const python = /^python=(.+)$/m.exec(output)?.[1];
  if (result.exitCode !== 0 || !python) return { usable: false, reason: `no Python found on the instance (looked for ${INSTANCE_PYTHONS.join(', ')})` };
  if (/^apt-bindings=missing$/m.test(output)) {
    return { usable: false, reason: `the instance has apt but no python3-apt for ${python}, and Ansible's apt module cannot install it under Mitogen` };
  }
  return { usable: true, python };
}
