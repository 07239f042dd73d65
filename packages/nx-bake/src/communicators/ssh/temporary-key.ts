import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { fingerprintOf } from './host-key';

/** A key pair made for one build: its public half goes on the instance, its private half never leaves this machine. */
export interface TemporaryKeyPair {
  /** OpenSSH PEM (`-----BEGIN OPENSSH PRIVATE KEY-----`), unencrypted. */
  privateKey: string;
  /** One authorized_keys line: `ssh-ed25519 AAAA... <comment>`. */
  publicKey: string;
  /** `SHA256:...`, as `ssh-keygen -l` shows it. */
  fingerprint: string;
  /** Writes the private key into a fresh private folder under `dir` (see {@link writePrivateKeyFile}). */
  writePrivateKey(dir: string): Promise<string>;
}

/**
 * ssh2 sometimes (a few in a thousand) writes an ed25519 key its own parser then rejects as malformed, which
 * would fail the build at connect: a pair is made again until the private half reads back.
 */
const KEY_ATTEMPTS = 10;

/** A fresh ed25519 key pair. */
export function generateTemporaryKeyPair(comment = 'nx-bake'): TemporaryKeyPair {
  const pair = readableKeyPair(comment);
  const publicKey = pair.public.trim();
  const fingerprint = fingerprintOf(Buffer.from(publicKey.split(/\s+/)[1], 'base64'));
  const privateKey = pair.private;
  return {
    privateKey,
    publicKey,
    fingerprint,
    writePrivateKey: (dir) => writePrivateKeyFile(dir, privateKey),
  };
}

function readableKeyPair(comment: string): { private: string; public: string } {
  for (let attempt = 1; ; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519', { comment });
    if (!(utils.parseKey(pair.private) instanceof Error)) return pair;
    if (attempt === KEY_ATTEMPTS) throw new Error(`could not make a readable ed25519 key in ${KEY_ATTEMPTS} attempts`);
  }
}

/**
 * Writes a private key (for tools that need a file, like ansible's ssh) as `id_ed25519`, mode 0600, in a new
 * folder of mode 0700 made inside `dir` — the build's private temp folder, so it goes when that goes. Never
 * overwrites: `wx` fails rather than follow a planted file or link. Returns the file's path.
 */
export async function writePrivateKeyFile(dir: string, privateKey: string): Promise<string> {
  const folder = await mkdtemp(join(dir, 'key-'));
  await chmod(folder, 0o700);
  const path = join(folder, 'id_ed25519');
  await writeFile(path, privateKey.endsWith('\n') ? privateKey : `${privateKey}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
  return path;
}
