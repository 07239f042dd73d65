import { pollUntil } from '../../util/poll';
import type { DigitalOceanApi } from './api-client';
import type { Action } from './types';

/** Starts a droplet action and waits until it completes; an errored action is an error naming it. */
export async function runDropletAction(
  api: DigitalOceanApi,
  dropletId: number,
  body: { type: string; name?: string },
  options: { timeoutMs: number; intervalMs: number; signal?: AbortSignal },
): Promise<Action> {
  const { action } = await api.post<{ action: Action }>(`/v2/droplets/${dropletId}/actions`, body);
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
