/**
 * JWT login as Vault's jwt auth method does it for a CI job's OIDC token: the signature is checked with the
 * mount's `jwt_validation_pubkeys` (RS256 or ES256, node:crypto), then the registered claims (exp, nbf with
 * a leeway, iss against `bound_issuer`), then the role's `bound_audiences`, `bound_claims` and `user_claim`.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { badRequest, VaultError } from './errors';

export interface JwtConfig {
  /** PEM public keys; a token signed by any of them is accepted. */
  jwt_validation_pubkeys: string[];
  bound_issuer?: string;
}

export interface JwtRole {
  bound_audiences?: string[];
  /** Claim → the value (or one of the values) it must have. */
  bound_claims?: Record<string, string | string[]>;
  user_claim: string;
  policies: string[];
  token_ttl: number;
}

/** Vault's default leeways: 150 s for exp and nbf. */
const LEEWAY_SECONDS = 150;

const ALGORITHMS: Record<string, { hash: string; dsaEncoding?: 'ieee-p1363' }> = {
  RS256: { hash: 'sha256' },
  ES256: { hash: 'sha256', dsaEncoding: 'ieee-p1363' },
};

function decodePart(part: string | undefined, what: string): Record<string, unknown> {
  try {
    const value = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw badRequest(`error validating token: malformed JWT ${what}`);
}

/** The verified claims of `jwt`, or a 400 saying what failed (as Vault does). */
export function verifyJwt(jwt: string, config: JwtConfig, now: number = Date.now()): Record<string, unknown> {
  const parts = jwt.split('.');
  if (parts.length !== 3) throw badRequest('error validating token: malformed JWT (not three parts)');
  const header = decodePart(parts[0], 'header');
  const algorithm = ALGORITHMS[String(header.alg)];
  if (!algorithm) throw badRequest(`error validating token: unsupported signing algorithm ${String(header.alg)}`);
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2], 'base64url');
  const keys: KeyObject[] = config.jwt_validation_pubkeys.map((pem) => createPublicKey(pem));
  const verified = keys.some((key) => {
    try {
      return verify(algorithm.hash, signed, algorithm.dsaEncoding ? { key, dsaEncoding: algorithm.dsaEncoding } : key, signature);
    } catch {
      return false; // a key of another type
    }
  });
  if (!verified) throw badRequest('error validating token: failed to verify id token signature');
  const claims = decodePart(parts[1], 'claims');
  const seconds = now / 1000;
  if (typeof claims.exp === 'number' && claims.exp + LEEWAY_SECONDS < seconds) throw badRequest('error validating token: token is expired (exp)');
  if (typeof claims.nbf === 'number' && claims.nbf - LEEWAY_SECONDS > seconds) throw badRequest('error validating token: token not valid yet (nbf)');
  if (config.bound_issuer && claims.iss !== config.bound_issuer) throw badRequest('error validating token: invalid issuer (iss) claim');
  return claims;
}

/** The role's bindings on verified claims; the user is `claims[user_claim]`. */
export function checkRole(role: JwtRole, claims: Record<string, unknown>): string {
  const audiences = Array.isArray(claims.aud) ? claims.aud.map(String) : claims.aud === undefined ? [] : [String(claims.aud)];
  if (role.bound_audiences?.length) {
    if (!audiences.some((aud) => role.bound_audiences!.includes(aud))) throw badRequest('error validating token: invalid audience (aud) claim: audience claim does not match any expected audience');
  } else if (audiences.length) {
    throw badRequest('audience claim found in JWT but no audiences bound to the role');
  }
  for (const [claim, expected] of Object.entries(role.bound_claims ?? {})) {
    const values = Array.isArray(expected) ? expected : [expected];
    if (!values.includes(String(claims[claim]))) throw new VaultError(400, [`error validating claims: claim "${claim}" does not match any associated bound claim values`]);
  }
  const user = claims[role.user_claim];
  if (typeof user !== 'string' || user === '') throw badRequest(`claim "${role.user_claim}" not found in token`);
  return user;
}
