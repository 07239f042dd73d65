import { randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { ApiError } from '../cloud/api-error';
import { Cloud } from '../cloud/cloud';
import { Contract } from '../contract/contract';
import { OperationMatch } from '../contract/operations';
import { ViolationLog } from '../violations';
import { handlers } from './handlers';
import { readBody, send } from './io';
import { exhaustedHeaders, RateLimitHeaders } from './rate-limit';
import { ApiResponse } from './types';

export type ResponseTamperer = (body: unknown, context: { operationId: string; status: number }) => unknown;

export interface ApiDeps {
  contract: Contract;
  cloud: Cloud;
  tokens: string[];
  strict: boolean;
  violations: ViolationLog;
  baseUrl: () => string;
  /** Test-only: rewrites the next response body (then removed), to prove response validation works. */
  takeTamperer: () => ResponseTamperer | undefined;
}

interface Outcome extends ApiResponse {
  headers?: Record<string, string>;
}

/**
 * Serves one API request: finds its operation in the contract, checks the request, answers it
 * (auth, injected faults, strict mode, the operation's handler), checks the response, and records
 * every departure from the contract in both directions.
 */
export function createApiHandler(deps: ApiDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const rate = new RateLimitHeaders();
  return async (req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', deps.baseUrl());
    const rawBody = await readBody(req);
    const requestId = randomUUID();
    const match = deps.contract.match(method, url.pathname);
    const where = { method, url: url.pathname + url.search };

    let outcome: Outcome;
    let requestProblems: string[];
    if (!match) {
      requestProblems = [`no operation ${method} ${url.pathname} in the contract`];
      outcome = errorOutcome(new ApiError(404, 'not_found', 'The resource you were accessing could not be found.'));
    } else {
      requestProblems = deps.contract.checkRequest(match, { query: url.searchParams, headers: req.headers, rawBody });
      outcome = await answer(deps, match, req, url, rawBody, requestProblems);
    }
    if (requestProblems.length > 0) {
      deps.violations.record({ direction: 'request', ...where, operationId: match?.operation.operationId, status: outcome.status, problems: requestProblems });
    }

    const limits = outcome.status === 429 ? {} : rate.next();
    const headers: OutgoingHttpHeaders = {
      ...limits,
      ...outcome.headers,
      'content-type': 'application/json; charset=utf-8',
      'x-request-id': requestId,
    };
    let body = outcome.body;
    if (body !== undefined && isErrorBody(outcome)) body = { ...(body as object), request_id: requestId };
    const tamper = match ? deps.takeTamperer() : undefined;
    if (tamper && match) body = tamper(body, { operationId: match.operation.operationId, status: outcome.status });
    const raw = body === undefined ? '' : JSON.stringify(body);
    if (match) {
      const problems = deps.contract.checkResponse(match.operation, { status: outcome.status, headers, rawBody: raw });
      if (problems.length > 0) {
        deps.violations.record({ direction: 'response', ...where, operationId: match.operation.operationId, status: outcome.status, problems });
      }
    }
    send(res, outcome.status, headers, raw);
  };
}

async function answer(
  deps: ApiDeps,
  match: OperationMatch,
  req: IncomingMessage,
  url: URL,
  rawBody: string,
  requestProblems: string[],
): Promise<Outcome> {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(String(req.headers.authorization ?? ''))?.[1];
  if (!token || !deps.tokens.includes(token)) {
    return errorOutcome(new ApiError(401, 'unauthorized', 'Unable to authenticate you'));
  }
  const limited = deps.cloud.faults.takeRateLimit();
  if (limited) {
    const outcome = errorOutcome(new ApiError(429, 'too_many_requests', 'API rate limit exceeded.'));
    return { ...outcome, headers: exhaustedHeaders(limited.resetSeconds) };
  }
  const slowMs = deps.cloud.faults.takeSlowRequest(req.method ?? 'GET', url.pathname);
  if (slowMs > 0) await deps.cloud.lifetime.sleep(slowMs);
  const failure = deps.cloud.faults.takeServerError(req.method ?? 'GET', url.pathname);
  if (failure) {
    const id = failure.status === 503 ? 'service_unavailable' : 'server_error';
    return errorOutcome(new ApiError(failure.status, id, 'Server was unable to give you a response.'));
  }
  if (deps.strict && requestProblems.length > 0) {
    const bodyProblem = requestProblems.some((p) => p.startsWith('request body'));
    return errorOutcome(
      bodyProblem
        ? new ApiError(422, 'unprocessable_entity', requestProblems.join('; '))
        : new ApiError(400, 'bad_request', requestProblems.join('; ')),
    );
  }
  let body: unknown = {};
  if (rawBody.length > 0) {
    try {
      body = JSON.parse(rawBody);
    } catch {
      return errorOutcome(new ApiError(400, 'bad_request', 'The request body is not valid JSON.'));
    }
  }
  const handler = handlers[match.operation.operationId];
  if (!handler) {
    return errorOutcome(new ApiError(501, 'not_implemented', `The fake does not implement ${match.operation.operationId}.`));
  }
  try {
    return await handler(deps.cloud, {
      pathname: url.pathname,
      pathParams: match.pathParams,
      query: url.searchParams,
      body: typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {},
      baseUrl: deps.baseUrl(),
    });
  } catch (error) {
    if (error instanceof ApiError) return errorOutcome(error);
    console.error(`fake-digitalocean: ${match.operation.operationId} failed:`, error);
    return errorOutcome(new ApiError(500, 'server_error', `The fake failed: ${(error as Error).message}`));
  }
}

function errorOutcome(error: ApiError): Outcome {
  return { status: error.status, body: error.body ?? { id: error.id, message: error.message } };
}

/** Error bodies in DigitalOcean's `{ id, message }` shape get the request id, as DigitalOcean does. */
function isErrorBody(outcome: Outcome): boolean {
  const body = outcome.body as Record<string, unknown> | undefined;
  return outcome.status >= 400 && typeof body?.id === 'string' && typeof body?.message === 'string';
}
