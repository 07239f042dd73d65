import { InterruptedError, runSteps, StepFailedError } from './run-steps';
import type { Step, StepContext, StepOutcome } from './step';

const log = { info: () => {}, warn: () => {}, output: () => {}, flush: () => {} };

function recorder(events: string[], failAt?: string, abort?: AbortController, abortAt?: string): Step<object>[] {
  return ['create', 'provision', 'snapshot'].map((name) => ({
    name,
    run: async () => {
      events.push(`run ${name}`);
      if (name === abortAt) abort!.abort();
      if (name === failAt) throw new Error(`${name} broke`);
    },
    cleanup: async (_state, context) => {
      events.push(`cleanup ${name}${context.signal.aborted ? ' (aborted signal)' : ''}`);
    },
  }));
}

describe('runSteps', () => {
  const context = (controller = new AbortController()): StepContext => ({ signal: controller.signal, log });

  it('runs every cleanup in reverse after success', async () => {
    const events: string[] = [];
    await runSteps(recorder(events), {}, context());
    expect(events).toEqual(['run create', 'run provision', 'run snapshot', 'cleanup snapshot', 'cleanup provision', 'cleanup create']);
  });

  it('stops at a failing step, cleans up what started (the failed step too), and rethrows', async () => {
    const events: string[] = [];
    const failure = runSteps(recorder(events, 'provision'), {}, context());
    await expect(failure).rejects.toBeInstanceOf(StepFailedError);
    await expect(failure).rejects.toThrow('provision: provision broke');
    expect(events).toEqual(['run create', 'run provision', 'cleanup provision', 'cleanup create']);
  });

  it('on interrupt runs no further step, and cleans up with a signal that is not aborted', async () => {
    const events: string[] = [];
    const controller = new AbortController();
    await expect(runSteps(recorder(events, undefined, controller, 'create'), {}, context(controller))).rejects.toBeInstanceOf(InterruptedError);
    expect(events).toEqual(['run create', 'cleanup create']);
  });

  it('goes on with the other cleanups when one fails', async () => {
    const events: string[] = [];
    const steps = recorder(events);
    steps[1].cleanup = async () => {
      throw new Error('cannot');
    };
    const warnings: string[] = [];
    await runSteps(steps, {}, { signal: new AbortController().signal, log: { ...log, warn: (message: string) => warnings.push(message) } });
    expect(events).toContain('cleanup create');
    expect(warnings).toEqual(['cleanup of provision failed: cannot']);
  });

  describe('tells every cleanup (and beforeCleanup) why the run stopped', () => {
    async function outcomes(failAt?: string, abortAt?: string): Promise<{ told: StepOutcome[]; before?: StepOutcome }> {
      const controller = new AbortController();
      const told: StepOutcome[] = [];
      let before: StepOutcome | undefined;
      const steps = recorder([], failAt, controller, abortAt).map((step) => ({ ...step, cleanup: async (_state: object, _context: StepContext, outcome: StepOutcome) => void told.push(outcome) }));
      await runSteps(steps, {}, context(controller), { beforeCleanup: (outcome) => (before = outcome) }).catch(() => undefined);
      return { told, before };
    }

    it('succeeded', async () => {
      const { told, before } = await outcomes();
      expect(before).toEqual({ kind: 'succeeded' });
      expect(told).toEqual([{ kind: 'succeeded' }, { kind: 'succeeded' }, { kind: 'succeeded' }]);
    });

    it('failed, naming the step and its error', async () => {
      const { told, before } = await outcomes('provision');
      const failed = { kind: 'failed', step: 'provision', error: new Error('provision broke') };
      expect(before).toEqual(failed);
      expect(told).toEqual([failed, failed]);
    });

    it('interrupted, naming the step (a step that fails because of the interrupt is interrupted, not failed)', async () => {
      const { told, before } = await outcomes('provision', 'provision');
      expect(before).toEqual({ kind: 'interrupted', step: 'provision' });
      expect(told).toEqual([before, before]);
    });

    it('interrupted when the signal came during a step that then finished', async () => {
      const { told } = await outcomes(undefined, 'snapshot');
      expect(told).toEqual([{ kind: 'interrupted', step: 'snapshot' }, { kind: 'interrupted', step: 'snapshot' }, { kind: 'interrupted', step: 'snapshot' }]);
    });
  });
});
