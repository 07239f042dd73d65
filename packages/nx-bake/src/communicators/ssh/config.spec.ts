import { execFileSync } from 'node:child_process';
import { sshAnsibleTarget } from './ansible-target';
import { parseSshConfig } from './config';
import { fingerprintOf, HostKeyCheck, parseHostKeyPolicy } from './host-key';
import { generateTemporaryKeyPair } from './temporary-key';

const key = generateTemporaryKeyPair();

describe('parseSshConfig', () => {
  it('fills in Packer defaults and takes the host from the builder', () => {
    expect(parseSshConfig({}, { host: '10.0.0.5', privateKey: key.privateKey })).toEqual({
      host: '10.0.0.5',
      port: 22,
      username: 'root',
      password: undefined,
      privateKeyFile: undefined,
      privateKey: key.privateKey,
      agentAuth: false,
      hostKey: { kind: 'accept-new' },
      timeoutMs: 300_000,
      handshakeAttempts: 10,
      keepAliveIntervalMs: 5_000,
      pauseBeforeConnectingMs: 0,
      bastion: undefined,
    });
  });

  it('reads rendered strings as numbers and booleans, resolves key files, disables keep-alive with a negative interval', () => {
    const settings = parseSshConfig(
      {
        ssh_host: 'build.example',
        ssh_port: '2222',
        ssh_username: 'admin',
        ssh_private_key_file: 'keys/id',
        ssh_handshake_attempts: '3',
        ssh_keep_alive_interval: '-1s',
        ssh_timeout: '1m30s',
        pause_before_connecting: '10s',
        ssh_bastion_host: 'jump.example',
        ssh_bastion_private_key_file: '~/jump',
      },
      { baseDir: '/pipelines/images' },
    );
    expect(settings).toMatchObject({
      host: 'build.example',
      port: 2222,
      username: 'admin',
      privateKeyFile: '/pipelines/images/keys/id',
      handshakeAttempts: 3,
      keepAliveIntervalMs: 0,
      timeoutMs: 90_000,
      pauseBeforeConnectingMs: 10_000,
      bastion: { host: 'jump.example', port: 22, username: 'admin', agentAuth: false, hostKey: { kind: 'accept-new' } },
    });
    expect(settings.bastion!.privateKeyFile).toMatch(/^\/.*\/jump$/);
  });

  it('needs a way to log in, to the bastion too, and an agent socket for agent auth', () => {
    expect(() => parseSshConfig({ ssh_host: 'h' })).toThrow(/no way to log in/);
    expect(() => parseSshConfig({ ssh_host: 'h', ssh_password: 'p', ssh_bastion_host: 'b' })).toThrow(/there is no way to log in to it/);
    expect(() => parseSshConfig({ ssh_host: 'h', ssh_agent_auth: true }, { env: {} })).toThrow(/SSH_AUTH_SOCK is not set/);
    expect(parseSshConfig({ ssh_host: 'h', ssh_agent_auth: 'true' }, { env: { SSH_AUTH_SOCK: '/run/agent' } }).agentAuth).toBe(true);
  });
});

describe('host keys', () => {
  const blob = Buffer.from(key.publicKey.split(' ')[1], 'base64');

  it('pins by key line or fingerprint, and refuses others', () => {
    for (const pin of [key.publicKey, key.fingerprint, [generateTemporaryKeyPair().fingerprint, key.fingerprint]]) {
      expect(new HostKeyCheck(parseHostKeyPolicy(pin), 'h').verify(blob)).toEqual({ accepted: true });
    }
    const other = generateTemporaryKeyPair();
    const verdict = new HostKeyCheck(parseHostKeyPolicy(other.publicKey), 'root@h:22').verify(blob);
    expect(verdict).toEqual({ accepted: false, reason: `host key mismatch for root@h:22: the server presented ssh-ed25519 ${key.fingerprint}, but ssh_host_key pins ${other.fingerprint}` });
    expect(() => parseHostKeyPolicy('ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAI')).toThrow(/neither a public key/);
    expect(() => parseHostKeyPolicy('MD5:aa:bb')).toThrow(/neither a public key/);
  });

  it('under accept-new, holds the host to the first key it proved', () => {
    const check = new HostKeyCheck(parseHostKeyPolicy('accept-new'), 'h');
    const other = Buffer.from(generateTemporaryKeyPair().publicKey.split(' ')[1], 'base64');
    expect(check.verify(other)).toEqual({ accepted: true });
    // Only a completed handshake records the key.
    check.remember(blob);
    expect(check.verify(blob)).toEqual({ accepted: true });
    expect(check.verify(other)).toMatchObject({ accepted: false, reason: expect.stringMatching(/^host key changed for h/) });
    expect(check.trustedFingerprint).toBe(fingerprintOf(blob));
  });
});

describe('sshAnsibleTarget', () => {
  it('reaches a bastion through a ProxyCommand that survives shlex and sh quoting', () => {
    const settings = parseSshConfig({
      ssh_host: '10.0.0.5',
      ssh_password: 'pw',
      ssh_bastion_host: 'jump.example',
      ssh_bastion_port: 2200,
      ssh_bastion_username: "o'neil",
      ssh_bastion_private_key_file: '/keys/my key%1',
    });
    const target = sshAnsibleTarget({ settings, controlDir: '/tmp/cm dir' });
    expect(target.inventoryVars).toMatchObject({ ansible_host: '10.0.0.5', ansible_port: '22', ansible_user: 'root', ansible_password: 'pw' });
    expect(target.inventoryVars.ansible_ssh_private_key_file).toBeUndefined();
    // Split as ansible does (Python's shlex), then the ProxyCommand as ssh runs it (sh -c, after % tokens).
    const args = JSON.parse(
      execFileSync('python3', ['-c', 'import json, shlex, sys; print(json.dumps(shlex.split(sys.argv[1])))', target.inventoryVars.ansible_ssh_common_args], { encoding: 'utf8' }),
    ) as string[];
    expect(args).toContain('ControlPath=/tmp/cm dir/cm-%C');
    const proxy = args.find((arg) => arg.startsWith('ProxyCommand='))!.slice('ProxyCommand='.length).replace(/%%/g, '%');
    const words = JSON.parse(execFileSync('sh', ['-c', `python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' ${proxy.replace(/^ssh /, '')}`], { encoding: 'utf8' })) as string[];
    expect(words).toEqual(['-W', '%h:%p', '-p', '2200', '-l', "o'neil", '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-i', '/keys/my key%1', '-o', 'IdentitiesOnly=yes', 'jump.example']);
  });

  it('cannot take ansible through a password-only bastion', () => {
    const settings = parseSshConfig({ ssh_host: 'h', ssh_password: 'p', ssh_bastion_host: 'b', ssh_bastion_password: 'bp' });
    expect(() => sshAnsibleTarget({ settings, controlDir: '/tmp/x' })).toThrow(/only accepts a password/);
  });
});
