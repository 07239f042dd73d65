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

/** Line-oriented output of one stage, already prefixed and redacted by the implementation. */
export interface StageLogger {
  info(message: string): void;
  warn(message: string): void;
  /** Raw provisioner output; implementations buffer to whole lines so parallel stages never interleave mid-line. */
  output(stream: 'stdout' | 'stderr', chunk: Buffer | string): void;
  /** Flush any partial line still buffered. */
  flush(): void;
}
