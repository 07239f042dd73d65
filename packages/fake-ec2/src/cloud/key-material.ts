import { createHash, generateKeyPairSync, KeyObject } from 'node:crypto';

/** A new RSA key pair as EC2's CreateKeyPair hands it out: the PEM private key, the OpenSSH public key, EC2's fingerprint. */
export function generateRsaKeyPair(keyName: string): { privateKey: string; publicKey: string; fingerprint: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  return {
    privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString().trim(),
    publicKey: `${openSshRsa(publicKey)} ${keyName}`,
    // EC2's fingerprint of a key it made: the SHA-1 of the private key's PKCS#8 DER, as colon-separated hex.
    fingerprint: createHash('sha1').update(pkcs8).digest('hex').match(/../g)!.join(':'),
  };
}

function openSshRsa(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  const part = (bytes: Buffer): Buffer => Buffer.concat([uint32(bytes.length), bytes]);
  const mpint = (b64url: string): Buffer => {
    const raw = Buffer.from(b64url, 'base64url');
    return raw[0] & 0x80 ? Buffer.concat([Buffer.from([0]), raw]) : raw;
  };
  const blob = Buffer.concat([part(Buffer.from('ssh-rsa')), part(mpint(jwk.e!)), part(mpint(jwk.n!))]);
  return `ssh-rsa ${blob.toString('base64')}`;
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
