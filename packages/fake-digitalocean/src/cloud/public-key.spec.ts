import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprintOf } from './public-key';

describe('fingerprintOf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fake-do-fp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['ed25519', 'rsa', 'ecdsa'])('gives the MD5 fingerprint ssh-keygen gives for %s keys', (type) => {
    const path = join(dir, type);
    execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', path]);
    const expected = /MD5:([0-9a-f:]+)/.exec(execFileSync('ssh-keygen', ['-l', '-E', 'md5', '-f', `${path}.pub`], { encoding: 'utf8' }))![1];
    expect(fingerprintOf(readFileSync(`${path}.pub`, 'utf8'))).toBe(expected);
  });

  it('rejects what is not a public key', () => {
    expect(fingerprintOf('')).toBeUndefined();
    expect(fingerprintOf('ssh-ed25519')).toBeUndefined();
    expect(fingerprintOf('ssh-ed25519 not-base64!')).toBeUndefined();
    expect(fingerprintOf(`ssh-rsa ${Buffer.from('\0\0\0\x0bssh-ed25519xxxx').toString('base64')}`)).toBeUndefined();
    expect(fingerprintOf('-----BEGIN OPENSSH PRIVATE KEY-----')).toBeUndefined();
  });
});
