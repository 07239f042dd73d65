import { Listr, PRESET_TIMER, type ListrTaskWrapper } from 'listr2';
import type { Reporter } from './reporter';

interface SourceTask {
  wrapper?: ListrTaskWrapper<unknown, any, any>;
  step?: string;
  failed?: boolean;
  done: Promise<void>;
  finish(): void;
}

/**
 * A live tree for a person at a terminal: one task per source (stage/builder) whose title follows the
 * current step, with elapsed time and the latest output lines underneath.
 */
export class ListrReporter implements Reporter {
  private readonly tasks = new Map<string, SourceTask>();
  private readonly running: Promise<unknown>;

  constructor(sources: string[]) {
    for (const source of sources) {
      let finish = () => {};
      const done = new Promise<void>((resolve) => (finish = resolve));
      this.tasks.set(source, { done, finish });
    }
    const listr = new Listr(
      sources.map((source) => ({
        title: source,
        task: async (_ctx: unknown, wrapper: ListrTaskWrapper<unknown, any, any>) => {
          const task = this.tasks.get(source)!;
          task.wrapper = wrapper;
          await task.done;
          if (task.failed) throw new Error(`${source} failed${task.step ? ` at ${task.step}` : ''}`);
        },
        rendererOptions: { persistentOutput: false, bottomBar: 6, timer: PRESET_TIMER },
      })),
      { concurrent: true, exitOnError: false, rendererOptions: { collapseSubtasks: false, timer: PRESET_TIMER } },
    );
    // Failures are reported by the bake itself; the tree only shows them.
    this.running = listr.run().catch(() => undefined);
  }

  line(source: string, text: string): void {
    const wrapper = this.tasks.get(source)?.wrapper;
    if (wrapper) wrapper.output = text;
  }

  stepStarted(source: string, step: string): void {
    const task = this.tasks.get(source);
    if (!task) return;
    task.step = step;
    if (task.wrapper) task.wrapper.title = `${source} › ${step}`;
  }

  stepFinished(source: string, step: string, error?: unknown): void {
    const task = this.tasks.get(source);
    if (task && error) task.failed = true;
    if (task?.wrapper && error) task.wrapper.title = `${source} › ${step} (failed)`;
  }

  async close(): Promise<void> {
    for (const [source, task] of this.tasks) {
      if (task.wrapper && !task.failed) task.wrapper.title = source;
      task.finish();
    }
    await this.running;
  }
}
