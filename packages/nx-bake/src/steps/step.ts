import type { StageLogger } from '../progress/stage-logger';

/**
 * Steps in the spirit of Packer's multistep runner: each step may leave a cleanup behind, and every
 * cleanup of a step that started runs, in reverse order, on success, on failure and on interrupt.
 */
export interface StepContext {
  /** Aborted on SIGINT/SIGTERM (or a step's own timeout): long waits must listen to it. */
  signal: AbortSignal;
  log: StageLogger;
}

/**
 * Why the run stopped, as Packer's StateHalted/StateCancelled tell its cleanups: a cleanup may keep what a
 * success made and undo what a failure or an interrupt left half done.
 */
export type StepOutcome = { kind: 'succeeded' } | { kind: 'failed'; step: string; error: unknown } | { kind: 'interrupted'; step: string };

export interface Step<State> {
  name: string;
  run(state: State, context: StepContext): Promise<void>;
  /** Undo what `run` did (or the part of it that happened before it failed or was interrupted). */
  cleanup?(state: State, context: StepContext, outcome: StepOutcome): Promise<void>;
}
