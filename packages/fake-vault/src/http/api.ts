import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { readBody, send } from '../../../fake-digitalocean/src/http/io';
import { ViolationLog } from '../../../fake-digitalocean/src/violations';
import type { VaultContract } from '../contract/vault-contract';
import type { RequestLog } from '../request-log';
import type { VaultAnswer } from '../vault/answer';
import { permissionDenied, VaultError } from '../vault/errors';
import { allowed } from '../vault/policy';
import { health } from '../vault/sys';
import type { VaultState } from '../vault/vault';
import { route, type Route } from './routes';

export interface ApiDeps {
  contract: VaultContract;
  state: VaultState;
  violations: ViolationLog;
  log: RequestLog;
  /** A request that breaks the contract is answered 400 with the problems. */
  strict: boolean;
}

const API_PREFIX = '/v1/';

/**
 * Serves one Vault API request: routes it by the mount table, checks the request against the contract
 * operation of its route, answers it (namespace, seal, token and policy, the handler), checks the answer,
 * and records every departure from the contract in both directions, and the exchange in the request log.
 */
export function createApiHandler(deps: ApiDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://fake-vault');
    const rawBody = await readBody(req);
    const where = { method, url: url.pathname + url.search };
    const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : undefined;
    const found = path === undefined ? undefined : route(deps.state, method, path);
    const token = deps.state.tokens.valid(header(req, 'x-vault-token') ?? bearer(req));

    let answer: VaultAnswer;
    let match: ReturnType<VaultContract['operation']> | undefined;
    if (!found || path === undefined) {
      deps.violations.record({ direction: 'request', ...where, problems: [`no operation ${method} ${url.pathname} in the contract`], status: 404 });
      answer = errorAnswer(new VaultError(404, [`no handler for route "${path ?? url.pathname}". route entry not found.`]));
    } else {
      try {
        match = deps.contract.operation(found.operationId, found.pathParams, `/${path}`);
      } catch (error) {
        deps.violations.record({ direction: 'request', ...where, operationId: found.operationId, problems: [(error as Error).message] });
      }
      const problems = match ? deps.contract.contract.checkRequest(match, { query: url.searchParams, headers: req.headers, rawBody }) : [];
      answer = serve(deps, found, { req, path, url, rawBody, problems, token });
      if (problems.length) deps.violations.record({ direction: 'request', ...where, operationId: found.operationId, status: answer.status, problems });
    }

    const raw = answer.body === undefined ? '' : JSON.stringify(answer.body);
    const headers: OutgoingHttpHeaders = raw ? { 'content-type': 'application/json', 'cache-control': 'no-store' } : { 'cache-control': 'no-store' };
    if (match) {
      const problems = deps.contract.contract.checkResponse(match.operation, { status: answer.status, headers, rawBody: raw });
      if (problems.length) deps.violations.record({ direction: 'response', ...where, operationId: found!.operationId, status: answer.status, problems });
    }
    deps.log.record({
      ...where,
      operationId: found?.operationId,
      tokenAccessor: token?.accessor,
      namespace: header(req, 'x-vault-namespace'),
      requestBody: rawBody,
      status: answer.status,
      responseBody: raw,
    });
    send(res, answer.status, headers, raw);
  };
}

interface Served {
  req: IncomingMessage;
  path: string;
  url: URL;
  rawBody: string;
  problems: string[];
  token: ReturnType<VaultState['tokens']['valid']>;
}

function serve(deps: ApiDeps, found: Route, { req, path, url, rawBody, problems, token }: Served): VaultAnswer {
  const { state } = deps;
  try {
    if (state.namespace !== undefined && normalizeNamespace(header(req, 'x-vault-namespace')) !== normalizeNamespace(state.namespace)) {
      throw new VaultError(404, [`no handler for route "${path}". route entry not found.`]);
    }
    // A sealed Vault answers nothing but its health.
    if (state.sealed) return found.operationId === 'read-health-status' ? health(state) : errorAnswer(new VaultError(503, ['Vault is sealed']));
    if (found.capability) {
      if (!token || !allowed(state.policies, token.policies, path, found.capability)) throw permissionDenied();
    }
    if (deps.strict && problems.length) throw new VaultError(400, problems);
    let body: Record<string, unknown> = {};
    if (rawBody) {
      try {
        const parsed = JSON.parse(rawBody) as unknown;
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
      } catch {
        throw new VaultError(400, ['failed to parse JSON input']);
      }
    }
    return found.handle(state, { path, pathParams: found.pathParams, query: url.searchParams, body, token });
  } catch (error) {
    if (error instanceof VaultError) return errorAnswer(error);
    console.error(`fake-vault: ${found.operationId} failed:`, error);
    return errorAnswer(new VaultError(500, [`the fake failed: ${(error as Error).message}`]));
  }
}

const errorAnswer = (error: VaultError): VaultAnswer => ({ status: error.status, body: { errors: error.errors } });

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Vault also takes the token as `Authorization: Bearer`. */
function bearer(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header(req, 'authorization') ?? '')?.[1];
}

const normalizeNamespace = (value: string | undefined): string => (value ?? '').replace(/^\/+|\/+$/g, '');
