import { Listr, PRESET_TIMER, type ListrTaskWrapper } from 'listr2';
import type { Reporter } from './reporter';

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

interface SourceTask {
  /** The task whose output line shows this source's latest output: the running step, else the source. */
  wrapper?: ListrTaskWrapper<unknown, any, any>;
  sourceWrapper?: ListrTaskWrapper<unknown, any, any>;
  /** Resolved with the step names once the builder's steps are known. */
  planned: Promise<string[]>;
  plan(steps: string[]): void;
  steps: Map<string, Deferred>;
  done: Deferred;
}

/**
 * A live tree for a person at a terminal: a task per stage (and builder), a subtask per step with its
 * elapsed time, and the latest output lines under the running step.
 */
export class ListrReporter implements Reporter {
  private readonly sources = new Map<string, SourceTask>();
  private readonly running: Promise<unknown>;
  /** Lines that came when no task of their source was running (cleanup after the last step): printed after the tree. */
  private readonly late: string[] = [];

  constructor(sources: string[]) {
    for (const source of sources) {
      let plan: (steps: string[]) => void = () => {};
      const planned = new Promise<string[]>((resolve) => (plan = resolve));
      this.sources.set(source, { planned, plan, steps: new Map(), done: deferred() });
    }
    const listr = new Listr(
      sources.map((source) => ({
        title: source,
        task: async (_ctx: unknown, wrapper: ListrTaskWrapper<unknown, any, any>) => {
          const entry = this.sources.get(source)!;
          entry.wrapper = wrapper;
          entry.sourceWrapper = wrapper;
          const steps = await Promise.race([entry.planned, entry.done.promise.then(() => [] as string[])]);
          if (!steps.length) return entry.done.promise;
          return wrapper.newListr(
            steps.map((step) => ({
              title: step,
              task: (_stepCtx: unknown, stepWrapper: ListrTaskWrapper<unknown, any, any>) => {
                entry.wrapper = stepWrapper;
                return this.stepOf(entry, step).promise;
              },
              rendererOptions: { bottomBar: 5, persistentOutput: false },
            })),
            { concurrent: false, exitOnError: true, rendererOptions: { collapseSubtasks: false, timer: PRESET_TIMER } },
          );
        },
      })),
      { concurrent: true, exitOnError: false, rendererOptions: { collapseSubtasks: false, timer: PRESET_TIMER, collapseErrors: false } },
    );
    // Failures are reported by the bake itself; the tree only shows them.
    this.running = listr.run().catch(() => undefined);
  }

  private stepOf(entry: SourceTask, step: string): Deferred {
    if (!entry.steps.has(step)) entry.steps.set(step, deferred());
    return entry.steps.get(step)!;
  }

  steps(source: string, names: string[]): void {
    this.sources.get(source)?.plan(names);
  }

  line(source: string, text: string, level: 'info' | 'warn' | 'output' = 'info'): void {
    const entry = this.sources.get(source);
    const wrapper = [entry?.wrapper, entry?.sourceWrapper].find((candidate) => candidate && !candidate.task.isCompleted() && !candidate.task.hasFailed());
    if (wrapper) wrapper.output = text;
    else if (level !== 'output') this.late.push(`[${source}] ${text}`);
  }

  stepStarted(source: string, step: string): void {
    const entry = this.sources.get(source);
    if (entry) this.stepOf(entry, step);
  }

  stepFinished(source: string, step: string, error?: unknown): void {
    const entry = this.sources.get(source);
    if (!entry) return;
    if (error) this.stepOf(entry, step).reject(error);
    else this.stepOf(entry, step).resolve();
  }

  async close(): Promise<void> {
    for (const entry of this.sources.values()) {
      entry.plan([]);
      entry.done.resolve();
      // Steps that never ran (an earlier one failed) end with the tree.
      for (const step of entry.steps.values()) step.resolve();
    }
    await this.running;
    for (const line of this.late) process.stdout.write(`${line}\n`);
  }
}
