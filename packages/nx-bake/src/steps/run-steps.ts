import type { Step, StepContext, StepOutcome } from './step';
import { pauseForTests } from './test-pause';

export class StepFailedError extends Error {
  constructor(
    readonly step: string,
    override readonly cause: unknown,
  ) {
    super(`${step}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StepFailedError';
  }
}

export class InterruptedError extends Error {
  constructor(readonly step: string) {
    super(`interrupted during ${step}`);
    this.name = 'InterruptedError';
  }
}

export interface RunStepsHooks {
  onStepStart?(name: string): void;
  onStepEnd?(name: string, error?: unknown): void;
  onCleanupError?(name: string, error: unknown): void;
  /** Called once before the cleanups run, with the outcome they are told: the caller's decisions (keep a failed instance?) go here. */
  beforeCleanup?(outcome: StepOutcome): void;
}

/**
 * Runs steps in order, then the cleanups of every step that started, in reverse — whether the steps
 * succeeded, failed, or the signal was aborted. Cleanups run with a fresh (never-aborted) signal: an
 * interrupt must not cut the cleanup short. The first step error (or the interrupt) is rethrown after cleanup.
 */
export async function runSteps<State>(steps: Step<State>[], state: State, context: StepContext, hooks: RunStepsHooks = {}): Promise<void> {
  const started: Step<State>[] = [];
  let failure: unknown;
  for (const step of steps) {
    if (context.signal.aborted) {
      failure = new InterruptedError(step.name);
      break;
    }
    started.push(step);
    hooks.onStepStart?.(step.name);
    try {
      await pauseForTests(step.name, context.signal, (message) => context.log.info(message));
      await step.run(state, context);
      hooks.onStepEnd?.(step.name);
    } catch (error) {
      failure = context.signal.aborted ? new InterruptedError(step.name) : new StepFailedError(step.name, error);
      hooks.onStepEnd?.(step.name, failure);
      break;
    }
  }
  // A signal that arrived during the last step, which then finished anyway, still interrupts the build:
  // its artifact must not be recorded (or kept) as if nobody had asked to stop.
  if (!failure && context.signal.aborted && started.length) failure = new InterruptedError(started[started.length - 1].name);
  const outcome = outcomeOf(failure);
  hooks.beforeCleanup?.(outcome);
  const cleanupContext: StepContext = { ...context, signal: new AbortController().signal };
  for (const step of started.reverse()) {
    if (!step.cleanup) continue;
    try {
      await step.cleanup(state, cleanupContext, outcome);
    } catch (error) {
      hooks.onCleanupError?.(step.name, error);
      context.log.warn(`cleanup of ${step.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failure) throw failure;
}

function outcomeOf(failure: unknown): StepOutcome {
  if (failure instanceof InterruptedError) return { kind: 'interrupted', step: failure.step };
  if (failure instanceof StepFailedError) return { kind: 'failed', step: failure.step, error: failure.cause };
  return { kind: 'succeeded' };
}
