import type { Redactor } from '../pipeline/redact';
import { LineBuffer } from './line-buffer';
import type { Reporter } from './reporter';

/** Line-oriented output of one stage, already prefixed and redacted by the implementation. */
export interface StageLogger {
  info(message: string): void;
  warn(message: string): void;
  /** Raw provisioner output; implementations buffer to whole lines so parallel stages never interleave mid-line. */
  output(stream: 'stdout' | 'stderr', chunk: Buffer | string): void;
  /** Flush any partial line still buffered. */
  flush(): void;
}

/** A StageLogger that redacts every line and hands whole lines to the reporter under one source name. */
export function createStageLogger(source: string, reporter: Reporter, redactor: Redactor): StageLogger {
  const emit = (level: 'info' | 'warn' | 'output') => (text: string) => reporter.line(source, redactor.redact(text), level);
  const buffers = { stdout: new LineBuffer(emit('output')), stderr: new LineBuffer(emit('output')) };
  return {
    info: (message) => emit('info')(message),
    warn: (message) => emit('warn')(message),
    output: (stream, chunk) => buffers[stream].write(chunk),
    flush: () => {
      buffers.stdout.flush();
      buffers.stderr.flush();
    },
  };
}
