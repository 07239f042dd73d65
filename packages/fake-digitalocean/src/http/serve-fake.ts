import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BlockClaim } from '../net/block-claim';
import { listen } from './listen';

type Route = (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<void>;

/**
 * Serves a fake on `host:port`: `/_fake/...` to its admin routes, the rest to its API. `stop()` (once,
 * however often called) closes the server, then runs `shutdown` and gives the address block back.
 */
export async function serveFake(
  host: string,
  port: number,
  routes: { admin: Route; api: Route },
  claim: BlockClaim,
  shutdown: () => Promise<void>,
): Promise<{ port: number; stop(): Promise<void> }> {
  const http = await listen(host, port, (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://fake').pathname;
    return pathname.startsWith('/_fake/') ? routes.admin(req, res, pathname) : routes.api(req, res, pathname);
  }).catch((error: Error) => {
    claim.release();
    throw error;
  });
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await http.close();
      try {
        await shutdown();
      } finally {
        claim.release();
      }
    })());
  return { port: http.port, stop };
}
