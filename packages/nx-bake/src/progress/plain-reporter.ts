import type { Reporter } from './reporter';

/** One line per event, each with an ISO timestamp and its source: readable in CI logs and greppable. */
export class PlainReporter implements Reporter {
  private readonly started = new Map<string, number>();

  constructor(
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
    private readonly now: () => Date = () => new Date(),
  ) {}

  line(source: string, text: string, level: 'info' | 'warn' | 'output' = 'info'): void {
    const marker = level === 'warn' ? ' WARN' : level === 'output' ? ' |' : '';
    this.write(`${this.now().toISOString()} [${source}]${marker} ${text}`);
  }

  stepStarted(source: string, step: string): void {
    this.started.set(`${source}\0${step}`, this.now().getTime());
    this.line(source, `${step} ...`);
  }

  stepFinished(source: string, step: string, error?: unknown): void {
    const key = `${source}\0${step}`;
    const elapsed = ((this.now().getTime() - (this.started.get(key) ?? this.now().getTime())) / 1000).toFixed(1);
    this.started.delete(key);
    if (error) this.line(source, `${step} failed after ${elapsed}s`, 'warn');
    else this.line(source, `${step} done in ${elapsed}s`);
  }

  async close(): Promise<void> {}
}
