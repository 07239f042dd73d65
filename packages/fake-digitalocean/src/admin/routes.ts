import type { IncomingMessage, ServerResponse } from 'node:http';
import { Faults } from '../faults';
import { readBody, sendJson } from '../http/io';

export interface AdminDeps {
  faults: Faults;
  state: () => unknown;
  violations: () => unknown;
  clearViolations: () => void;
  reset: () => Promise<void>;
  dropSsh: (dropletId: number, options: { restartAfterMs?: number }) => Promise<void>;
}

type Body = Record<string, unknown>;

/** The fault knobs over HTTP: POST /_fake/faults/<name> with the programmatic call's options as JSON. */
const FAULTS: Record<string, (faults: Faults, body: Body) => void> = {
  'rate-limit': (f, b) => f.rateLimit(count(b, 1), { resetSeconds: optionalNumber(b, 'resetSeconds') }),
  'server-errors': (f, b) =>
    f.serverErrors(count(b, 1), {
      status: optionalNumber(b, 'status'),
      path: optionalString(b, 'path'),
      method: optionalString(b, 'method'),
    }),
  'slow-actions': (f, b) => f.slowActions(requiredNumber(b, 'ms'), { type: optionalString(b, 'type'), count: count(b, 1) }),
  'stuck-actions': (f, b) => f.stuckActions({ type: optionalString(b, 'type'), count: count(b, 1) }),
  'never-active': (f, b) => f.neverActive(count(b, 1)),
  'snapshot-failures': (f, b) => f.failSnapshots(count(b, 1)),
  'late-ssh': (f, b) => f.lateSsh(requiredNumber(b, 'ms'), count(b, 1)),
  'slow-requests': (f, b) =>
    f.slowRequests(requiredNumber(b, 'ms'), { path: optionalString(b, 'path'), method: optionalString(b, 'method'), count: count(b, 1) }),
};

/**
 * `/_fake/...`: GET state, GET/DELETE violations, POST reset, GET/DELETE faults, POST faults/<name>,
 * POST droplets/<id>/drop-ssh ({ restartAfterMs }: kill every sshd, connections too; start it again later).
 * Not part of the DigitalOcean API: no token, no contract checks.
 */
export async function handleAdmin(deps: AdminDeps, req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
  const route = `${req.method} ${pathname.replace(/\/$/, '')}`;
  try {
    const raw = await readBody(req);
    const body = raw ? (JSON.parse(raw) as Body) : {};
    if (route === 'GET /_fake/state') return sendJson(res, 200, deps.state());
    if (route === 'GET /_fake/violations') return sendJson(res, 200, { violations: deps.violations() });
    if (route === 'DELETE /_fake/violations') return (deps.clearViolations(), sendJson(res, 204, undefined));
    if (route === 'POST /_fake/reset') return (await deps.reset(), sendJson(res, 204, undefined));
    if (route === 'GET /_fake/faults') return sendJson(res, 200, deps.faults.snapshot());
    if (route === 'DELETE /_fake/faults') return (deps.faults.clear(), sendJson(res, 204, undefined));
    const dropped = /^POST \/_fake\/droplets\/(\d+)\/drop-ssh$/.exec(route)?.[1];
    if (dropped) return (await deps.dropSsh(Number(dropped), { restartAfterMs: optionalNumber(body, 'restartAfterMs') }), sendJson(res, 204, undefined));
    const fault = /^POST \/_fake\/faults\/([a-z-]+)$/.exec(route)?.[1];
    if (fault && FAULTS[fault]) {
      FAULTS[fault](deps.faults, body);
      return sendJson(res, 201, deps.faults.snapshot());
    }
    sendJson(res, 404, { error: `no admin route ${route}; faults: ${Object.keys(FAULTS).join(', ')}` });
  } catch (error) {
    sendJson(res, 400, { error: (error as Error).message });
  }
}

function count(body: Body, fallback: number): number {
  if (body.count === 'all') return Infinity;
  return optionalNumber(body, 'count') ?? fallback;
}

function optionalNumber(body: Body, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${key} must be a number ≥ 0`);
  return value;
}

function requiredNumber(body: Body, key: string): number {
  const value = optionalNumber(body, key);
  if (value === undefined) throw new Error(`${key} is required`);
  return value;
}

function optionalString(body: Body, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Error(`${key} must be a string`);
  return value;
}
