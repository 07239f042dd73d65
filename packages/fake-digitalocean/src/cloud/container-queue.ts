import { Droplet } from './records';

/** Runs `operation` after the droplet's earlier container operations, so none of them overlap. */
export function enqueue<T>(droplet: Droplet, operation: () => Promise<T>): Promise<T> {
  const result = droplet.containerQueue.then(operation);
  droplet.containerQueue = result.catch(() => undefined);
  return result;
}
