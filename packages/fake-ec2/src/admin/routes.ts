import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../../../fake-digitalocean/src';
import { Faults } from '../faults';

export interface AdminDeps {
  faults: Faults;
  state: () => unknown;
  violations: () => unknown;
  clearViolations: () => void;
  reset: () => Promise<void>;
}

interface FaultBody {
  count?: number | 'all';
  status?: number;
  action?: string;
}

/** POST /_fake/faults/<name> with `{ count, status, action }` as JSON ("all" for every matching event). */
const FAULTS: Record<string, (faults: Faults, count: number, body: FaultBody) => void> = {
  throttle: (f, n) => f.throttle(n),
  'server-errors': (f, n, b) => f.serverErrors(n, { status: b.status, action: b.action }),
  'insufficient-capacity': (f, n) => f.insufficientCapacity(n),
  'never-healthy': (f, n) => f.neverHealthy(n),
  'failed-images': (f, n) => f.failImages(n),
};

/** `/_fake/...`: GET state, GET/DELETE violations, POST reset, GET/DELETE faults, POST faults/<name>. Not EC2's: unsigned, unchecked. */
export async function handleAdmin(deps: AdminDeps, req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
  const route = `${req.method} ${pathname.replace(/\/$/, '')}`;
  try {
    const raw = await readBody(req);
    const body = (raw ? JSON.parse(raw) : {}) as FaultBody;
    if (route === 'GET /_fake/state') return sendJson(res, 200, deps.state());
    if (route === 'GET /_fake/violations') return sendJson(res, 200, { violations: deps.violations() });
    if (route === 'DELETE /_fake/violations') return (deps.clearViolations(), sendJson(res, 204, undefined));
    if (route === 'POST /_fake/reset') return (await deps.reset(), sendJson(res, 204, undefined));
    if (route === 'GET /_fake/faults') return sendJson(res, 200, deps.faults.snapshot());
    if (route === 'DELETE /_fake/faults') return (deps.faults.clear(), sendJson(res, 204, undefined));
    const fault = /^POST \/_fake\/faults\/([a-z-]+)$/.exec(route)?.[1];
    if (fault && FAULTS[fault]) {
      const count = body.count === 'all' ? Infinity : (body.count ?? 1);
      if (typeof count !== 'number' || count < 0) throw new Error('count must be a number ≥ 0 or "all"');
      FAULTS[fault](deps.faults, count, body);
      return sendJson(res, 201, deps.faults.snapshot());
    }
    sendJson(res, 404, { error: `no admin route ${route}; faults: ${Object.keys(FAULTS).join(', ')}` });
  } catch (error) {
    sendJson(res, 400, { error: (error as Error).message });
  }
}
