/**
 * The communicator and the provisioners against the real Docker engine and the real ansible-playbook,
 * in one long-lived container from nx-bake/debian:bookworm (host networking: nothing leaves 127.0.0.0/8).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import Docker from 'dockerode';
import nunjucks from 'nunjucks';
import { DockerExecCommunicator } from '../../src/communicators/docker';
import type { StageLogger } from '../../src/progress/stage-logger';
import type { ProvisionerConfig } from '../../src/pipeline/types';
import { runProvisioner } from '../../src/provisioners';
import type { ProvisionerContext } from '../../src/provisioners/provisioner';

import { BASE_IMAGE } from '../support/base-image';
const docker = new Docker();
let container: Docker.Container;
let communicator: DockerExecCommunicator;
let pipelineDir: string;
let tempDir: string;

interface TestLogger extends StageLogger {
  text(): string;
}

function testLogger(): TestLogger {
  const lines: string[] = [];
  return {
    info: (message) => lines.push(`[info] ${message}`),
    warn: (message) => lines.push(`[warn] ${message}`),
    output: (_stream, chunk) => lines.push(chunk.toString()),
    flush: () => undefined,
    text: () => lines.join('\n'),
  };
}

function contextFor(overrides: Partial<ProvisionerContext> = {}): ProvisionerContext & { log: TestLogger } {
  return {
    communicator,
    log: testLogger(),
    signal: new AbortController().signal,
    pipelineDir,
    workspaceRoot: pipelineDir,
    builderName: 'local',
    builderType: 'docker',
    tempDir,
    renderFile: (path) => nunjucks.renderString(readFileSync(resolve(pipelineDir, path), 'utf8'), { stage: { name: 'provisioners-test' } }),
    ...overrides,
  } as ProvisionerContext & { log: TestLogger };
}

/** Runs a command in the container; fails the test unless it exits 0. */
async function sh(command: string): Promise<string> {
  let output = '';
  const result = await communicator.exec(command, { onStdout: (chunk) => (output += chunk), onStderr: (chunk) => (output += chunk) });
  if (result.exitCode !== 0) throw new Error(`\`${command}\` exited ${result.exitCode}: ${output}`);
  return output;
}

/** Whether a process whose command line matches `pattern` runs in the container (`[s]leep` keeps pgrep's own shell out). */
async function running(pattern: string): Promise<boolean> {
  return (await communicator.exec(`pgrep -f '${pattern}'`)).exitCode === 0;
}

function write(relative: string, content: string, mode = 0o644): string {
  const path = join(pipelineDir, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

beforeAll(async () => {
  pipelineDir = mkdtempSync(join(tmpdir(), 'nx-bake-provisioners-'));
  tempDir = mkdtempSync(join(tmpdir(), 'nx-bake-provisioners-tmp-'));
  container = await docker.createContainer({
    Image: BASE_IMAGE,
    Entrypoint: ['/bin/sh', '-c', 'while :; do sleep 3600; done'],
    Cmd: [],
    Labels: { 'nx-bake.test': 'provisioners' },
    HostConfig: { Init: true, NetworkMode: 'host' },
  });
  await container.start();
  communicator = new DockerExecCommunicator(docker, container.id);
});

afterAll(async () => {
  await container?.remove({ force: true });
  rmSync(pipelineDir, { recursive: true, force: true });
  rmSync(tempDir, { recursive: true, force: true });
});

describe('DockerExecCommunicator', () => {
  it('streams stdout and stderr apart, passes env and returns the exit code', async () => {
    let stdout = '';
    let stderr = '';
    const result = await communicator.exec('echo out; echo err >&2; printf "%s" "$GREETING"; exit 3', {
      env: { GREETING: "it's a b" },
      onStdout: (chunk) => (stdout += chunk),
      onStderr: (chunk) => (stderr += chunk),
    });
    expect(result).toEqual({ exitCode: 3 });
    expect(stdout).toBe("out\nit's a b");
    expect(stderr).toBe('err\n');
  });

  it('feeds stdin from a string and from a stream', async () => {
    let fromString = '';
    await communicator.exec('tr a-z A-Z', { stdin: 'hello', onStdout: (chunk) => (fromString += chunk) });
    expect(fromString).toBe('HELLO');
    let fromStream = '';
    await communicator.exec('wc -l', { stdin: Readable.from(['a\n', 'b\n', 'c\n']), onStdout: (chunk) => (fromStream += chunk) });
    expect(fromStream.trim()).toBe('3');
  });

  it('kills the command inside the container on timeout, children and sudo included', async () => {
    const started = Date.now();
    await expect(communicator.exec('sudo -u nobody sleep 41 & sleep 42; wait', { timeoutMs: 1_000 })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await running('[s]leep 41')).toBe(false);
    expect(await running('[s]leep 42')).toBe(false);
  });

  it('kills the command on abort and rejects at once', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const started = Date.now();
    await expect(communicator.exec('sleep 43', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await running('[s]leep 43')).toBe(false);
    // A signal that is already aborted starts nothing.
    await expect(communicator.exec('touch /tmp/never', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(await sh('test -e /tmp/never && echo yes || echo no')).toBe('no\n');
  });

  it('uploads a file into new parent folders with its mode, owned by root', async () => {
    await communicator.upload(Buffer.from('secret-ish\n'), '/opt/upload/a/b/file.txt', { mode: 0o640 });
    expect(await sh('stat -c "%a %U %G" /opt/upload/a/b/file.txt; cat /opt/upload/a/b/file.txt')).toBe('640 root root\nsecret-ish\n');
    await communicator.upload(Readable.from([Buffer.from('from a '), Buffer.from('stream')]), '/opt/upload/stream.txt');
    expect(await sh('cat /opt/upload/stream.txt')).toBe('from a stream');
  });

  it('uploads a directory tree as one archive without touching the destination folder itself', async () => {
    write('tree/top.txt', 'top');
    write('tree/nested/deep/run.sh', '#!/bin/sh\necho ran\n', 0o755);
    await communicator.uploadDirectory(join(pipelineDir, 'tree'), '/tmp');
    expect(await sh('cat /tmp/top.txt; /tmp/nested/deep/run.sh; stat -c "%a %U" /tmp /tmp/nested/deep/run.sh')).toBe('topran\n1777 root\n755 root\n');
  });

  it('downloads a file and a directory', async () => {
    await sh('mkdir -p /srv/dl/sub && echo one > /srv/dl/one.txt && echo two > /srv/dl/sub/two.txt');
    const local = join(tempDir, 'downloads');
    await communicator.download('/srv/dl/one.txt', join(local, 'renamed.txt'));
    expect(readFileSync(join(local, 'renamed.txt'), 'utf8')).toBe('one\n');
    await communicator.download('/srv/dl', join(local, 'tree'));
    expect(readFileSync(join(local, 'tree/sub/two.txt'), 'utf8')).toBe('two\n');
    rmSync(local, { recursive: true });
  });

  it('points ansible at the container through the docker connection', () => {
    expect(communicator.ansibleTarget().inventoryVars).toEqual({
      ansible_connection: 'community.docker.docker',
      ansible_host: container.id,
      ansible_python_interpreter: '/usr/bin/python3',
    });
  });
});

describe('shell provisioner', () => {
  it('runs inline commands under `sh -e` with quoted environment_vars', async () => {
    const context = contextFor();
    await runProvisioner(
      { type: 'shell', environment_vars: ["QUOTED=it's $HOME `id`", 'EMPTY='], inline: ['echo "q=$QUOTED e=[$EMPTY] b=$NX_BAKE_BUILD_NAME" > /tmp/inline.txt'] },
      context,
    );
    expect(await sh('cat /tmp/inline.txt')).toBe("q=it's $HOME `id` e=[] b=local\n");
    // `-e`: the first failing line ends the script.
    const failing = contextFor();
    await expect(runProvisioner({ type: 'shell', inline: ['echo before', 'false', 'echo after'] }, failing)).rejects.toThrow(/exited with code 1/);
    expect(failing.log.text()).toContain('before');
    expect(failing.log.text()).not.toContain('after');
  });

  it('uploads scripts to remote_folder, runs them in order with execute_command, then removes them', async () => {
    write('scripts/one.sh', '#!/bin/sh\necho "one in $(pwd) as $ROLE" >> /tmp/scripts.txt\n');
    write('scripts/two.sh', '#!/bin/sh\necho "two $0" >> /tmp/scripts.txt\n');
    await sh('mkdir -p /var/nxb-scripts');
    const context = contextFor();
    await runProvisioner(
      {
        type: 'shell',
        scripts: ['scripts/one.sh', 'scripts/two.sh'],
        environment_vars: ['ROLE=web'],
        remote_folder: '/var/nxb-scripts',
        execute_command: 'cd /srv && {{ vars }} sh {{ path }}',
      },
      context,
    );
    expect(await sh('cat /tmp/scripts.txt')).toMatch(/^one in \/srv as web\ntwo \/var\/nxb-scripts\/script_[0-9a-f]+\.sh\n$/);
    expect(await sh('ls -A /var/nxb-scripts')).toBe('');
  });

  it('fails on a non-zero exit with the code and the last lines of output', async () => {
    write('scripts/noisy.sh', '#!/bin/sh\nfor i in $(seq 1 30); do echo "line $i"; done\necho "bad thing" >&2\nexit 7\n');
    const error: Error = await runProvisioner({ type: 'shell', script: 'scripts/noisy.sh' }, contextFor()).catch((caught) => caught);
    expect(error.message).toMatch(/scripts\/noisy\.sh exited with code 7/);
    expect(error.message).toContain('bad thing');
    expect(error.message).toContain('line 30');
    expect(error.message).toContain('line 12');
    expect(error.message).not.toMatch(/line 10\b/);
  });

  it('treats a dropped connection (exit 255) as success only with expect_disconnect', async () => {
    await expect(runProvisioner({ type: 'shell', inline: ['exit 255'] }, contextFor())).rejects.toThrow(/code 255/);
    const context = contextFor();
    await runProvisioner({ type: 'shell', inline: ['exit 255'], expect_disconnect: true }, context);
    expect(context.log.text()).toContain('disconnected, as expected');
  });

  it('rejects a config with no or several sources, and malformed environment_vars', async () => {
    await expect(runProvisioner({ type: 'shell' }, contextFor())).rejects.toThrow(/exactly one of "inline", "script" or "scripts"/);
    await expect(runProvisioner({ type: 'shell', inline: ['true'], script: 'x.sh' }, contextFor())).rejects.toThrow(/exactly one/);
    await expect(runProvisioner({ type: 'shell', inline: ['true'], environment_vars: ['1BAD=secret-value'] }, contextFor())).rejects.toThrow(
      /environment_vars\[0\]/,
    );
  });
});

describe('file provisioner', () => {
  beforeAll(() => {
    write('files/app.conf', 'port=8080\n', 0o600);
    write('files/site/index.html', '<h1>hi</h1>');
    write('files/site/assets/app.js', 'console.log(1)');
  });

  it('uploads a single file to a path, and into a folder when the destination ends in /', async () => {
    await runProvisioner({ type: 'file', source: 'files/app.conf', destination: '/etc/app/renamed.conf' }, contextFor());
    await runProvisioner({ type: 'file', source: 'files/app.conf', destination: '/etc/app/' }, contextFor());
    expect(await sh('cat /etc/app/renamed.conf; stat -c %a /etc/app/app.conf')).toBe('port=8080\n600\n');
  });

  it('uploads a folder itself without a trailing slash, and its contents with one', async () => {
    await runProvisioner({ type: 'file', source: 'files/site', destination: '/srv/www' }, contextFor());
    await runProvisioner({ type: 'file', source: 'files/site/', destination: '/srv/flat' }, contextFor());
    expect(await sh('cd /srv && find www flat -type f | sort')).toBe('flat/assets/app.js\nflat/index.html\nwww/site/assets/app.js\nwww/site/index.html\n');
  });

  it('writes inline content', async () => {
    await runProvisioner({ type: 'file', content: 'hello from content\n', destination: '/etc/motd.d/nx' }, contextFor());
    expect(await sh('cat /etc/motd.d/nx')).toBe('hello from content\n');
  });

  it('downloads into the pipeline folder', async () => {
    await sh('echo "built" > /tmp/result.txt');
    await runProvisioner({ type: 'file', direction: 'download', source: '/tmp/result.txt', destination: 'out/' }, contextFor());
    await runProvisioner({ type: 'file', direction: 'download', source: '/srv/www/site', destination: 'out/site-copy' }, contextFor());
    expect(readFileSync(join(pipelineDir, 'out/result.txt'), 'utf8')).toBe('built\n');
    expect(readFileSync(join(pipelineDir, 'out/site-copy/assets/app.js'), 'utf8')).toBe('console.log(1)');
  });

  it('names a missing source', async () => {
    await expect(runProvisioner({ type: 'file', source: 'files/missing.txt', destination: '/tmp/x' }, contextFor())).rejects.toThrow(/files\/missing\.txt does not exist/);
  });
});

describe('ansible provisioner', () => {
  const varsFilesLeft = () => readdirSync(tempDir).filter((name) => name.startsWith('extra-vars') || name.startsWith('inventory'));

  beforeAll(() => {
    write(
      'ansible/site.yml',
      [
        '- hosts: web',
        '  gather_facts: false',
        '  tasks:',
        '    - name: report',
        '      copy:',
        '        dest: /tmp/ansible-report.txt',
        '        content: "{{ greeting }} {{ from_template }} {{ overridden }} {{ nx_bake_build_name }} {{ lookup(\'env\', \'NXB_TEST_ENV\') }}\\n"',
        '    - name: mode of the extra-vars file, seen from the host',
        "      command: find {{ temp_dir }} -maxdepth 1 -name 'extra-vars-*' -printf '%m'",
        '      delegate_to: localhost',
        '      changed_when: false',
        '      register: vars_mode',
        '    - copy: { dest: /tmp/vars-mode.txt, content: "{{ vars_mode.stdout }}" }',
        '    - name: tagged out',
        '      copy: { dest: /tmp/ansible-skipped.txt, content: "x" }',
        '      tags: [slow]',
      ].join('\n'),
    );
    write('ansible/vars.yml.njk', 'from_template: "{{ stage.name }}"\noverridden: from-template\n');
    write('ansible/fail.yml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - fail: { msg: "deliberate failure {{ secret_var }}" }\n');
    write('ansible/slow.yml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: sleep 44\n');
  });

  it('runs a playbook with groups, vars over vars_template, env vars and extra arguments, then deletes its files', async () => {
    const context = contextFor();
    await runProvisioner(
      {
        type: 'ansible',
        playbook: 'ansible/site.yml',
        groups: ['web'],
        vars: { greeting: 'hello', overridden: 'from-vars', temp_dir: tempDir },
        vars_template: 'ansible/vars.yml.njk',
        ansible_env_vars: ['NXB_TEST_ENV=from-env'],
        extra_arguments: ['--skip-tags', 'slow'],
      },
      context,
    );
    expect(await sh('cat /tmp/ansible-report.txt')).toBe('hello provisioners-test from-vars local from-env\n');
    expect(await sh('test -e /tmp/ansible-skipped.txt && echo yes || echo no')).toBe('no\n');
    expect(await sh('cat /tmp/vars-mode.txt')).toBe('600');
    expect(context.log.text()).toMatch(/ok=\d+\s+changed=2/);
    expect(varsFilesLeft()).toEqual([]);
  });

  it('installs galaxy_file roles into the temp folder first', async () => {
    write('roles-src/greeter/tasks/main.yml', '- copy: { dest: /tmp/role-ran.txt, content: "role ran\\n" }\n');
    write('roles-src/greeter/meta/main.yml', 'galaxy_info: { author: t, description: t, license: MIT, min_ansible_version: "2.9", platforms: [] }\n');
    execFileSync('tar', ['-C', join(pipelineDir, 'roles-src'), '-czf', join(pipelineDir, 'greeter.tar.gz'), 'greeter']);
    write('requirements.yml', `- src: file://${join(pipelineDir, 'greeter.tar.gz')}\n  name: greeter\n`);
    write('ansible/role.yml', '- hosts: all\n  gather_facts: false\n  roles: [greeter]\n');
    await runProvisioner({ type: 'ansible', playbook: 'ansible/role.yml', galaxy_file: 'requirements.yml' }, contextFor());
    expect(await sh('cat /tmp/role-ran.txt')).toBe('role ran\n');
    expect(existsSync(join(tempDir, 'roles/greeter/tasks/main.yml'))).toBe(true);
  });

  it('fails on a failed task with the tail of the output, and still deletes the vars file', async () => {
    const error: Error = await runProvisioner({ type: 'ansible', playbook: 'ansible/fail.yml', vars: { secret_var: 'xyz' } }, contextFor()).catch((caught) => caught);
    expect(error.message).toMatch(/ansible-playbook ansible\/fail\.yml exited with code 2/);
    expect(error.message).toContain('deliberate failure');
    expect(varsFilesLeft()).toEqual([]);
  });

  it('kills ansible-playbook on abort, and still deletes the vars file', async () => {
    const controller = new AbortController();
    const context = contextFor({ signal: controller.signal });
    setTimeout(() => controller.abort(), 3_000);
    const started = Date.now();
    await expect(runProvisioner({ type: 'ansible', playbook: 'ansible/slow.yml' }, context)).rejects.toThrow(/aborted/);
    expect(Date.now() - started).toBeLessThan(10_000);
    const hostProcesses = execFileSync('ps', ['-eo', 'args']).toString();
    expect(hostProcesses).not.toContain(join(pipelineDir, 'ansible/slow.yml'));
    expect(varsFilesLeft()).toEqual([]);
    // The container's `sleep 44` was started by ansible's docker exec; removing the container ends it in a build.
  });

  describe('with Mitogen', () => {
    // Mitogen runs a task's command from the Python it keeps on the instance, named `python3(mitogen:…)`.
    const taskParent = async (extra: Partial<ProvisionerConfig> = {}) => {
      const context = contextFor();
      await runProvisioner({ type: 'ansible', playbook: 'ansible/parent.yml', ...extra } as ProvisionerConfig, context);
      return { parent: await sh('cat /tmp/ansible-parent.txt'), log: context.log.text() };
    };

    beforeAll(() => {
      write(
        'ansible/parent.yml',
        `- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: "tr '\\\\0' ' ' < /proc/$PPID/cmdline > /tmp/ansible-parent.txt"\n`,
      );
      write(
        'ansible/become.yml',
        [
          '- hosts: all',
          '  gather_facts: false',
          '  tasks:',
          '    - command: id -un',
          '      become: true',
          '      become_user: nobody',
          '      register: who',
          '      changed_when: false',
          '    - copy: { dest: /tmp/ansible-become.txt, content: "{{ who.stdout }}\\n" }',
        ].join('\n'),
      );
      // An ansible_mitogen that names an older ansible-core as its newest, as a stale install would.
      write('stale-mitogen/ansible_mitogen/__init__.py', '');
      write('stale-mitogen/ansible_mitogen/loaders.py', 'ANSIBLE_VERSION_MIN = (2, 10)\nANSIBLE_VERSION_MAX = (2, 9)\n');
    });

    it('runs the tasks in the interpreter Mitogen keeps on the instance, by default', async () => {
      const { parent, log } = await taskParent();
      expect(parent).toContain('(mitogen:');
      expect(log).toContain('ansible: running ansible/parent.yml with Mitogen');
      expect(log).not.toContain('[warn]');
    });

    it('runs plain Ansible, a new interpreter per task, with mitogen: false', async () => {
      const { parent, log } = await taskParent({ mitogen: false } as Partial<ProvisionerConfig>);
      expect(parent).not.toContain('mitogen');
      expect(parent).toMatch(/python3/);
      expect(log).toContain('ansible: running ansible/parent.yml\n');
      expect(log).not.toContain('[warn]');
    });

    it('falls back to plain Ansible with one notice when ansible-mitogen does not support the installed ansible-core', async () => {
      const { parent, log } = await taskParent({ ansible_env_vars: [`PYTHONPATH=${join(pipelineDir, 'stale-mitogen')}`] } as Partial<ProvisionerConfig>);
      expect(parent).not.toContain('mitogen');
      const notices = log.split('\n').filter((line) => line.startsWith('[warn]'));
      expect(notices).toEqual([expect.stringMatching(/^\[warn\] ansible: plain Ansible, not Mitogen: ansible-mitogen supports ansible-core up to 2\.9, not 2\.\d+/)]);
    });

    it("falls back to plain Ansible with one notice on an instance whose apt has no Python bindings (the apt module's re-exec)", async () => {
      const bindings = (await sh("/usr/bin/python3 -c 'import apt_pkg; print(apt_pkg.__file__)'")).trim();
      await sh(`mv ${bindings} ${bindings}.hidden`);
      try {
        const { parent, log } = await taskParent();
        expect(parent).not.toContain('mitogen');
        const notices = log.split('\n').filter((line) => line.startsWith('[warn]'));
        expect(notices).toEqual(['[warn] ansible: plain Ansible, not Mitogen: the instance has apt but no python3-apt for /usr/bin/python3, and Ansible\'s apt module cannot install it under Mitogen (set mitogen: false to say so and silence this)']);
      } finally {
        await sh(`mv ${bindings}.hidden ${bindings}`);
      }
    });

    it('keeps --check, become and idempotence', async () => {
      await sh('rm -f /tmp/ansible-become.txt');
      const run = async (extra: Partial<ProvisionerConfig> = {}) => {
        const context = contextFor();
        await runProvisioner({ type: 'ansible', playbook: 'ansible/become.yml', ...extra } as ProvisionerConfig, context);
        expect(context.log.text()).toContain('with Mitogen');
        return context.log.text();
      };
      // `command` does not run in check mode; `copy` reports what it would change.
      expect(await run({ extra_arguments: ['--check'] })).toMatch(/ok=1\s+changed=1\s+unreachable=0\s+failed=0\s+skipped=1/);
      expect(await sh('test -e /tmp/ansible-become.txt && echo yes || echo no')).toBe('no\n');
      expect(await run()).toMatch(/ok=2\s+changed=1/);
      expect(await sh('cat /tmp/ansible-become.txt')).toBe('nobody\n');
      expect(await run()).toMatch(/ok=2\s+changed=0/);
    });
  });

  it('names a missing playbook', async () => {
    await expect(runProvisioner({ type: 'ansible', playbook: 'ansible/none.yml' }, contextFor())).rejects.toThrow(/playbook ansible\/none\.yml not found/);
  });
});

describe('runProvisioner common fields', () => {
  const marker = (name: string) => sh(`test -e /tmp/${name} && echo yes || echo no`).then((out) => out.trim());

  it('honours only and except by builder name', async () => {
    const touch = (name: string, extra: Partial<ProvisionerConfig>) => runProvisioner({ type: 'shell', inline: [`touch /tmp/${name}`], ...extra } as ProvisionerConfig, contextFor());
    await touch('only-other', { only: ['other'] });
    await touch('only-local', { only: ['local', 'other'] });
    await touch('except-local', { except: ['local'] });
    expect([await marker('only-other'), await marker('only-local'), await marker('except-local')]).toEqual(['no', 'yes', 'no']);
  });

  it('retries the whole provisioner max_retries times', async () => {
    const flaky: ProvisionerConfig = { type: 'shell', inline: ['n=$(cat /tmp/attempts 2>/dev/null || echo 0)', 'echo $((n + 1)) > /tmp/attempts', 'test $n -ge 2'] };
    await expect(runProvisioner({ ...flaky, max_retries: 1 }, contextFor())).rejects.toThrow(/exited with code 1/);
    expect((await sh('cat /tmp/attempts')).trim()).toBe('2');
    await sh('rm /tmp/attempts');
    const context = contextFor();
    await runProvisioner({ ...flaky, max_retries: 2 }, context);
    expect((await sh('cat /tmp/attempts')).trim()).toBe('3');
    expect(context.log.text()).toContain('attempt 2 of 3');
  });

  it('aborts a provisioner at its timeout and kills what it ran', async () => {
    const started = Date.now();
    await expect(runProvisioner({ type: 'shell', inline: ['sleep 45'], timeout: '1s' }, contextFor())).rejects.toThrow('shell provisioner timed out after 1s');
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(await running('[s]leep 45')).toBe(false);
  });

  it('pauses before running', async () => {
    const started = Date.now();
    await runProvisioner({ type: 'shell', inline: ['true'], pause_before: '700ms' }, contextFor());
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
  });
});
