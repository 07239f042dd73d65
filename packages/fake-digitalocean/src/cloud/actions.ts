import { Cancelled } from '../util/lifetime';
import { doTime } from '../util/time';
import { Cloud } from './cloud';
import { Action } from './records';

export interface ActionTarget {
  id: number;
  type: 'droplet' | 'image';
  region: string | null;
}

/**
 * Records an `in-progress` action and runs its work in the background: after the base action delay
 * and any slow/stuck fault for its type, then `completed`, or `errored` when the work throws.
 */
export function startAction(cloud: Cloud, type: string, target: ActionTarget, work: () => Promise<void>): Action {
  const action: Action = {
    id: cloud.store.nextId('action'),
    type,
    status: 'in-progress',
    startedAt: doTime(),
    completedAt: null,
    resourceId: target.id,
    resourceType: target.type,
    regionSlug: target.region,
  };
  cloud.store.actions.set(action.id, action);
  const extraDelay = cloud.faults.takeActionDelay(type);
  const lifetime = cloud.lifetime;
  void lifetime.run(async () => {
    await lifetime.sleep(cloud.settings.actionDelayMs);
    if (extraDelay === 'forever') await lifetime.forever();
    if (typeof extraDelay === 'number' && extraDelay > 0) await lifetime.sleep(extraDelay);
    let failure: Error | undefined;
    try {
      await work();
    } catch (error) {
      if (error instanceof Cancelled) throw error;
      failure = error as Error;
    }
    if (action.status === 'in-progress') finishAction(action, failure?.message);
  });
  return action;
}

/** Ends an action: `completed`, or `errored` with the reason. */
export function finishAction(action: Action, error?: string): void {
  action.status = error === undefined ? 'completed' : 'errored';
  action.error = error;
  action.completedAt = doTime();
}
