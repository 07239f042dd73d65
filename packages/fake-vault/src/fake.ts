import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../../fake-digitalocean/src/http/io';
import { listen } from '../../fake-digitalocean/src/http/listen';
import { isLoopback } from '../../fake-digitalocean/src/net/probe';
import { ViolationLog, type Violation } from '../../fake-digitalocean/src/violations';
import { VaultContract } from './contract/vault-contract';
import { createApiHandler } from './http/api';
import { RequestLog, type LoggedRequest } from './request-log';
import type { Lease } from './vault/leases';
import type { TokenEntry } from './vault/tokens';
import { VaultState } from './vault/vault';

export interface FakeVaultOptions {
  /** The root token (`vault server -dev -dev-root-token-id`). */
  rootToken: string;
  /** Default 0: a free port. */
  port?: number;
  /** A loopback address; default 127.0.0.1. */
  host?: string;
  /** When set, every request must carry `X-Vault-Namespace: <namespace>`. */
  namespace?: string;
  /** A request breaking the contract is answered 400 with the problems. */
  strict?: boolean;
  /** Default: NX_BAKE_VAULT_SPEC, else shared/specs/ found above this package. */
  specPath?: string;
  onViolation?: (violation: Violation) => void;
}

/** A token or a lease as tests see them: accessors and ids, never a token. */
export interface FakeVaultSnapshot {
  sealed: boolean;
  tokens: { accessor: string; origin: string; policies: string[]; revoked: boolean; expired: boolean }[];
  leases: Pick<Lease, 'id' | 'tokenAccessor' | 'revoked' | 'revokedBy'>[];
}

export interface FakeVault {
  /** `http://127.0.0.1:<port>`: VAULT_ADDR (API paths start with /v1/). */
  url: string;
  port: number;
  rootToken: string;
  /** The state the API serves: secrets, roles, tokens, leases, the seal (see vault/vault.ts). */
  vault: VaultState;
  snapshot(): FakeVaultSnapshot;
  requests(): LoggedRequest[];
  clearRequests(): void;
  violations(): Violation[];
  clearViolations(): void;
  /** The token of an accessor seen in the request log (tests compare tokens without the log holding them). */
  tokenOf(accessor: string): TokenEntry | undefined;
  stop(): Promise<void>;
}

export async function startFakeVault(options: FakeVaultOptions): Promise<FakeVault> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new Error(`host ${host}: the fake listens on loopback addresses only`);
  if (!options.rootToken) throw new Error('rootToken: give the root token');
  const contract = VaultContract.load(options.specPath);
  const vault = new VaultState(options.rootToken, options.namespace);
  const violations = new ViolationLog(options.onViolation);
  const log = new RequestLog();
  const api = createApiHandler({ contract, state: vault, violations, log, strict: options.strict ?? false });
  const snapshot = (): FakeVaultSnapshot => ({
    sealed: vault.sealed,
    tokens: vault.tokens.all().map((t) => ({ accessor: t.accessor, origin: t.origin, policies: t.policies, revoked: t.revoked, expired: !t.revoked && !vault.tokens.valid(t.id) })),
    leases: vault.leases.all().map(({ id, tokenAccessor, revoked, revokedBy }) => ({ id, tokenAccessor, revoked, revokedBy })),
  });
  const admin = (req: IncomingMessage, res: ServerResponse, pathname: string): void => {
    const route = `${req.method} ${pathname.replace(/\/$/, '')}`;
    if (route === 'GET /_fake/state') return sendJson(res, 200, snapshot());
    if (route === 'GET /_fake/requests') return sendJson(res, 200, { requests: log.all() });
    if (route === 'GET /_fake/violations') return sendJson(res, 200, { violations: violations.all() });
    if (route === 'POST /_fake/seal' || route === 'POST /_fake/unseal') {
      vault.sealed = route.endsWith('/seal');
      return sendJson(res, 204, undefined);
    }
    sendJson(res, 404, { error: `no admin route ${route} (GET state, requests, violations; POST seal, unseal)` });
  };
  const http = await listen(host, options.port ?? 0, async (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://fake-vault').pathname;
    return pathname.startsWith('/_fake/') ? admin(req, res, pathname) : api(req, res);
  });
  let stopped: Promise<void> | undefined;
  return {
    url: `http://${host}:${http.port}`,
    port: http.port,
    rootToken: options.rootToken,
    vault,
    snapshot,
    requests: () => log.all(),
    clearRequests: () => log.clear(),
    violations: () => violations.all(),
    clearViolations: () => violations.clear(),
    tokenOf: (accessor) => vault.tokens.all().find((token) => token.accessor === accessor),
    stop: () => (stopped ??= http.close()),
  };
}
