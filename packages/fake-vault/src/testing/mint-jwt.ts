import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** A signing key for tests, as a CI provider's OIDC issuer holds one: the public half goes into the fake's JWT config. */
export function jwtSigningKey(): { privateKey: KeyObject; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** An RS256 JWT with these claims (`iat`, and `exp` one hour on, unless given), like a CI job's OIDC token. */
export function mintJwt(privateKey: KeyObject, claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iat: now, exp: now + 3600, ...claims })}`;
  return `${unsigned}.${sign('sha256', Buffer.from(unsigned), privateKey).toString('base64url')}`;
}
