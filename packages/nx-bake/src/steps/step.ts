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

export interface Step<State> {
  name: string;
  run(state: State, context: StepContext): Promise<void>;
  /** Undo what `run` did (or the part of it that happened before it failed or was interrupted). */
  cleanup?(state: State, context: StepContext): Promise<void>;
}
