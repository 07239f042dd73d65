import { pollUntil } from '../../util/poll';
import type { ApiRequest, DigitalOceanApi } from './api-client';
import type { Action } from './types';

/** A droplet action the builder starts: a graceful shutdown, a power-off, or a snapshot under a name. */
export type DropletAction = { type: 'shutdown' } | { type: 'power_off' } | { type: 'snapshot'; name: string };

export function dropletActionRequest(dropletId: number, action: DropletAction): ApiRequest<DropletAction> {
  return { path: `/v2/droplets/${dropletId}/actions`, body: action };
}

/** Starts a droplet action and waits until it completes; an errored action is an error naming it. */
export async function runDropletAction(
  api: DigitalOceanApi,
  dropletId: number,
  body: DropletAction,
  options: { timeoutMs: number; intervalMs: number; signal?: AbortSignal },
): Promise<Action> {
  const start = dropletActionRequest(dropletId, body);
  const { action } = await api.post<{ action: Action }>(start.path, start.body);
  return pollUntil(
    `the ${body.type} action on droplet ${dropletId}`,
    async () => {
      const current = (await api.get<{ action: Action }>(`/v2/actions/${action.id}`)).action;
      if (current.status === 'errored') throw new Error(`the ${body.type} action on droplet ${dropletId} errored`);
      return current.status === 'completed' ? current : undefined;
    },
    options,
  );
}
