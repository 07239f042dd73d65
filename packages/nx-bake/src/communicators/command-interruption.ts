/** An abort or timeout of a running command (its processes have been killed by the time callers see it). */
export class CommandInterrupted extends Error {
  constructor(message: string, name: 'AbortError' | 'TimeoutError') {
    super(message);
    this.name = name;
  }
}

/**
 * One call's abort signal and timeout folded into one, for every communicator: `race` rejects with the
 * CommandInterrupted (AbortError or TimeoutError) as soon as either fires, and `interrupted` tells the
 * caller to clean up (kill what the command started).
 */
export class Interruption {
  private cause?: CommandInterrupted;
  private readonly timer?: NodeJS.Timeout;
  private readonly listeners = new Set<(cause: CommandInterrupted) => void>();
  private readonly onAbort = () => this.interrupt(new CommandInterrupted('command aborted', 'AbortError'));

  constructor(
    private readonly signal?: AbortSignal,
    timeoutMs?: number,
  ) {
    if (signal?.aborted) {
      this.cause = new CommandInterrupted('command aborted', 'AbortError');
      return;
    }
    signal?.addEventListener('abort', this.onAbort, { once: true });
    if (timeoutMs !== undefined && timeoutMs > 0) {
      this.timer = setTimeout(() => this.interrupt(new CommandInterrupted(`command timed out after ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
    }
  }

  get interrupted(): CommandInterrupted | undefined {
    return this.cause;
  }

  throwIfInterrupted(): void {
    if (this.cause) throw this.cause;
  }

  /** `work`, unless the call is interrupted first. */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.cause) {
      work.catch(() => undefined);
      return Promise.reject(this.cause);
    }
    return new Promise<T>((resolve, reject) => {
      const onInterrupt = (cause: CommandInterrupted) => reject(cause);
      this.listeners.add(onInterrupt);
      work.then(
        (value) => (this.listeners.delete(onInterrupt), resolve(value)),
        (error) => (this.listeners.delete(onInterrupt), reject(error)),
      );
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
    this.listeners.clear();
  }

  private interrupt(cause: CommandInterrupted): void {
    if (this.cause) return;
    this.cause = cause;
    clearTimeout(this.timer);
    for (const listener of [...this.listeners]) listener(cause);
  }
}
