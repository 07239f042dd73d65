import { pollUntil } from '../../util/poll';
import type { ApiRequest, DigitalOceanApi } from './api-client';
import type { Action } from './types';

/** A droplet action the builder starts: a graceful shutdown, a power-off, or a snapshot under a name. */
export type DropletAction = { type: 'shutdown' } | { type: 'power_off' } | { type: 'snapshot'; name: string };

export function dropletActionRequest(dropletId: number, action: DropletAction): ApiRequest<DropletAction> {
  return { path: `/v2/droplets/${dropletId}/actions`, body: action };
}

type WaitOptions = { timeoutMs: number; intervalMs: number; signal?: AbortSignal };

/** Starts a droplet action and waits until it completes; an errored action is an error naming it. */
export function runDropletAction(api: DigitalOceanApi, dropletId: number, body: DropletAction, options: WaitOptions): Promise<Action> {
  return runAction(api, dropletActionRequest(dropletId, body), `the ${body.type} action on droplet ${dropletId}`, options);
}

/** Transfers an image (a snapshot) to another region and waits until it is there. */
export function transferImage(api: DigitalOceanApi, imageId: number, region: string, options: WaitOptions): Promise<Action> {
  return runAction(api, { path: `/v2/images/${imageId}/actions`, body: { type: 'transfer', region } }, `the transfer of image ${imageId} to ${region}`, options);
}

/** Starts an action (POST), then polls it through /v2/actions until it completes or errors. */
async function runAction(api: DigitalOceanApi, start: ApiRequest, what: string, options: WaitOptions): Promise<Action> {
  const { action } = await api.post<{ action: Action }>(start.path, start.body);
  return pollUntil(
    what,
    async () => {
      const current = (await api.get<{ action: Action }>(`/v2/actions/${action.id}`)).action;
      if (current.status === 'errored') throw new Error(`${what} errored`);
      return current.status === 'completed' ? current : undefined;
    },
    options,
  );
}
