/** The session's token: the given one (checked once), or one from an AppRole or JWT login (the bake's own, revoked at its end). */
import { VaultRequestError } from './vault-error';
import { expectStatus, vaultRequest } from './vault-http';
import type { VaultSettings } from './vault-settings';

export interface VaultToken {
  token: string;
  /** Obtained by this bake's login: it revokes it (auth/token/revoke-self) when it ends. */
  owned: boolean;
  /** Seconds it lives from now; 0 when it does not expire. */
  ttl: number;
  renewable: boolean;
  /** What the token is, for messages: `VAULT_TOKEN`, `AppRole login at auth/approle`. */
  origin: string;
}

export async function logIn(settings: VaultSettings, signal?: AbortSignal): Promise<VaultToken> {
  const { auth } = settings;
  if (auth.method === 'token') {
    // A given token is checked before any secret is read: an expired one is named as such, not as a denied path.
    const path = 'auth/token/lookup-self';
    const answer = await vaultRequest(settings, 'GET', path, { token: auth.token, signal });
    if (answer.status === 403) {
      throw new Error(`the Vault token from ${auth.source} is not valid (expired or revoked?): ${new VaultRequestError(`GET /v1/${path}`, 403, answer.body?.errors ?? []).message}`);
    }
    const data = expectStatus(answer, 'GET', path, 200).body?.data ?? {};
    return { token: auth.token, owned: false, ttl: Number(data.ttl) || 0, renewable: data.renewable === true, origin: auth.source };
  }
  const name = auth.method === 'approle' ? 'AppRole' : 'JWT';
  const path = `auth/${auth.mount}/login`;
  const body = auth.method === 'approle' ? { role_id: auth.roleId, secret_id: auth.secretId } : { role: auth.role, jwt: auth.jwt };
  let answer;
  try {
    answer = expectStatus(await vaultRequest(settings, 'POST', path, { body, signal }), 'POST', path, 200);
  } catch (error) {
    throw new Error(`${name} login failed: ${(error as Error).message}`);
  }
  const issued = answer.body?.auth ?? {};
  if (typeof issued.client_token !== 'string' || !issued.client_token) throw new Error(`${name} login failed: POST /v1/${path} answered no auth.client_token`);
  return { token: issued.client_token, owned: true, ttl: Number(issued.lease_duration) || 0, renewable: issued.renewable === true, origin: `${name} login at auth/${auth.mount}` };
}
