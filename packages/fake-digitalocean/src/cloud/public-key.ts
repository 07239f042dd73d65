import { createHash } from 'node:crypto';

const KEY_TYPES = [
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
];

/**
 * Parses an OpenSSH public key line (`type base64 [comment]`) and returns DigitalOcean's fingerprint
 * of it, the MD5 of the key blob as colon-separated hex; undefined when it is not a public key.
 */
export function fingerprintOf(publicKey: string): string | undefined {
  const [type, data] = publicKey.trim().split(/\s+/);
  if (!type || !data || !KEY_TYPES.includes(type) || !/^[A-Za-z0-9+/]+=*$/.test(data)) return undefined;
  const blob = Buffer.from(data, 'base64');
  if (blob.length < 4) return undefined;
  const typeLength = blob.readUInt32BE(0);
  if (blob.subarray(4, 4 + typeLength).toString('latin1') !== type) return undefined;
  const md5 = createHash('md5').update(blob).digest('hex');
  return md5.match(/../g)!.join(':');
}
