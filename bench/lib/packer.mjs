// The reference: HashiCorp Packer (Debian's 1.6.6), driven with JSON templates the bench writes into a
// temp folder. Every template uses the SAME playbooks and files as the pipeline (pipelines/images).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mustRun, say, sh } from './util.mjs';

/** Packer, installed from Debian when missing. Returns its version line. */
export function ensurePacker() {
  let version = sh('packer', ['version'], { allowFail: true });
  if (!version) {
    say('packer is missing: apt-get install -y packer');
    sh('apt-get', ['install', '-y', 'packer'], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    version = sh('packer', ['version']);
  }
  return version.split('\n')[0];
}

/** Packer's environment: no update check (no network), its config and temp folders inside the bench's. */
export function packerEnv(workDir, extra = {}) {
  const dir = join(workDir, 'packer-home');
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  mkdirSync(join(dir, 'cache'), { recursive: true });
  return {
    ...process.env,
    CHECKPOINT_DISABLE: '1',
    PACKER_CONFIG_DIR: dir,
    PACKER_TMP_DIR: join(dir, 'tmp'),
    PACKER_CACHE_DIR: join(dir, 'cache'),
    PACKER_NO_COLOR: '1',
    ...extra,
  };
}

/**
 * Packer's ansible provisioner reaches the instance through its SSH proxy adapter, which offers only an
 * ssh-rsa (SHA-1) host key and user key: OpenSSH 9 refuses both unless re-enabled. Its SFTP subsystem runs
 * `sftp_command` on the instance, whose default (/usr/lib/sftp-server) is not where Debian puts it.
 */
export const PACKER_ANSIBLE_COMPAT = {
  user: 'root',
  use_sftp: true,
  sftp_command: '/usr/lib/openssh/sftp-server -e',
};
export const PACKER_SSH_RSA_ARGS = ['--ssh-extra-args', '-o HostKeyAlgorithms=+ssh-rsa -o PubkeyAcceptedKeyTypes=+ssh-rsa'];

/** Host networking, the container kept alive by a shell, nothing pulled: as the pipeline's builder. */
const RUN_COMMAND = ['-d', '-i', '-t', '--network=host', '--entrypoint=/bin/sh', '--', '{{.Image}}'];

/** The example's ansible vars per stage, as pipelines/images/pipeline.yaml gives them. */
export function exampleVars(webRoot = '/srv/www/site') {
  return {
    'os-base': { admin_user: 'ops', sysctl_settings: { 'net.ipv4.tcp_syncookies': 1, 'kernel.kptr_restrict': 2 } },
    'app-base': { web_root: webRoot, app_user: 'site', motd: 'Welcome to {{ ansible_hostname }}' },
  };
}

/**
 * One docker template with one ansible provisioner (case 11): the base image, the playbook through Packer's
 * SSH proxy adapter, commit, manifest and docker-tag post-processors — as each of the example's templates.
 */
export function writeDockerAnsibleTemplate(file, { image, playbook, repository, tag, manifest, ansibleEnv = [] }) {
  const body = {
    builders: [{ type: 'docker', image, pull: false, commit: true, run_command: RUN_COMMAND }],
    provisioners: [
      {
        type: 'ansible',
        playbook_file: playbook,
        ...PACKER_ANSIBLE_COMPAT,
        extra_arguments: PACKER_SSH_RSA_ARGS,
        ansible_env_vars: ['ANSIBLE_NOCOLOR=1', ...ansibleEnv],
      },
    ],
    'post-processors': [
      { type: 'manifest', output: manifest },
      { type: 'docker-tag', repository, tags: [tag] },
    ],
  };
  writeFileSync(file, JSON.stringify(body, null, 2));
  return file;
}

/**
 * Writes the three templates of the example (os-base, app-base, app) and their extra-vars files into `dir`.
 * `ws` is a folder holding `pipelines/` and `apps/` (the same files the pipeline uses).
 */
export function writeExampleTemplates(dir, { ws, repository, webRoot = '/srv/www/site', deployToken = 'not-a-real-token', ansibleEnv = [] }) {
  mkdirSync(dir, { recursive: true });
  const images = join(ws, 'pipelines', 'images');
  const vars = exampleVars(webRoot);
  const template = (stage, image, provisioners, extra = {}) => ({
    variables: { base: '' },
    builders: [{ type: 'docker', image, pull: false, commit: true, run_command: RUN_COMMAND, ...extra }],
    provisioners,
    'post-processors': [
      { type: 'manifest', output: join(dir, `${stage}-manifest.json`) },
      { type: 'docker-tag', repository, tags: [stage] },
    ],
  });
  const ansible = (stage) => {
    const varsFile = join(dir, `${stage}-vars.json`);
    writeFileSync(varsFile, JSON.stringify(vars[stage], null, 2));
    return {
      type: 'ansible',
      playbook_file: join(images, stage, 'playbook.yml'),
      ...PACKER_ANSIBLE_COMPAT,
      extra_arguments: ['--extra-vars', `@${varsFile}`, ...PACKER_SSH_RSA_ARGS],
      ansible_env_vars: ['ANSIBLE_NOCOLOR=1', ...ansibleEnv],
    };
  };
  const templates = {
    'os-base': template('os-base', 'nx-bake/debian:bookworm', [ansible('os-base')]),
    'app-base': template('app-base', '{{user `base`}}', [ansible('app-base')]),
    app: template(
      'app',
      '{{user `base`}}',
      [
        { type: 'file', source: `${join(ws, 'dist', 'apps', 'site')}/`, destination: webRoot },
        { type: 'file', source: join(images, 'app', 'boot.sh'), destination: '/usr/local/bin/boot.sh' },
        {
          type: 'shell',
          environment_vars: [`WEB_ROOT=${webRoot}`, `DEPLOY_TOKEN=${deployToken}`],
          inline: [
            'chmod 0755 /usr/local/bin/boot.sh',
            'chown -R site:site "$WEB_ROOT"',
            'test -n "$DEPLOY_TOKEN" && echo "deploy token received"',
            'echo "images/app built from {{user `base`}}" > /etc/nx-bake-release',
          ],
        },
      ],
      { changes: ['CMD ["/usr/local/bin/boot.sh"]', 'EXPOSE 8080', `ENV WEB_ROOT=${webRoot}`] },
    ),
  };
  for (const [stage, body] of Object.entries(templates)) writeFileSync(join(dir, `${stage}.json`), JSON.stringify(body, null, 2));
  return { stages: ['os-base', 'app-base', 'app'], dir };
}

/**
 * Packer's chain by hand: build the site, then each template with the previous manifest's artifact as its
 * base. Resolves with the image IDs it made (for clean-up) once the last build finished.
 */
export async function runExampleChain({ dir, ws, env, logFile, made = [] }) {
  await mustRun('node', [join(ws, 'apps', 'site', 'build.mjs')], { cwd: ws, logFile, label: 'site build' });
  let base = '';
  for (const stage of ['os-base', 'app-base', 'app']) {
    try {
      await mustRun('packer', ['build', '-color=false', '-timestamp-ui', '-var', `base=${base}`, join(dir, `${stage}.json`)], { cwd: dir, env, logFile, label: `packer ${stage}` });
    } finally {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, `${stage}-manifest.json`), 'utf8'));
        base = manifest.builds.at(-1).artifact_id;
        made.push(base);
      } catch {
        // no manifest: the build failed before its post-processors
      }
    }
  }
  return made;
}

/** A null-builder template: Packer's SSH communicator to `ssh` (host, port, key file), then `provisioners`. */
export function nullTemplate(file, ssh, provisioners) {
  writeFileSync(
    file,
    JSON.stringify(
      {
        builders: [
          { type: 'null', communicator: 'ssh', ssh_host: ssh.host, ssh_port: ssh.port, ssh_username: 'root', ssh_private_key_file: ssh.keyFile, ssh_timeout: '30s' },
        ],
        provisioners,
      },
      null,
      2,
    ),
  );
  return file;
}
