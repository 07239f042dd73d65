/** Raised into work that was waiting when its fake was stopped or reset. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled: the fake was stopped or reset');
  }
}

/**
 * Timers and background work of one lifetime of the fake (until `end()`): sleeps end early with
 * `Cancelled`, and `end()` waits for work already running (a docker commit, say) to settle,
 * so nothing it creates can appear after the clean-up that follows.
 */
export class Lifetime {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly cancellers = new Set<() => void>();
  private readonly tasks = new Set<Promise<unknown>>();
  private ended = false;

  get isEnded(): boolean {
    return this.ended;
  }

  sleep(ms: number): Promise<void> {
    if (this.ended) return Promise.reject(new Cancelled());
    return new Promise((resolve, reject) => {
      const cancel = (): void => reject(new Cancelled());
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.cancellers.delete(cancel);
        resolve();
      }, ms);
      this.timers.add(timer);
      this.cancellers.add(cancel);
    });
  }

  /** Never resolves; rejects with `Cancelled` when the lifetime ends. */
  forever(): Promise<never> {
    if (this.ended) return Promise.reject(new Cancelled());
    return new Promise((_, reject) => this.cancellers.add(() => reject(new Cancelled())));
  }

  /** Runs `work` in the background; `end()` waits for it. `work` handles its own errors; `Cancelled` ends it quietly. */
  run(work: () => Promise<void>): Promise<void> {
    const task: Promise<void> = work()
      .catch((error: unknown) => {
        if (!(error instanceof Cancelled)) console.error('fake-digitalocean: background work failed:', error);
      })
      .finally(() => this.tasks.delete(task));
    this.tasks.add(task);
    return task;
  }

  async end(): Promise<void> {
    this.ended = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const cancel of this.cancellers) cancel();
    this.cancellers.clear();
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }
}
