/**
 * Problems in user input (pipeline files, var files, `--var` flags, templates), reported as
 * `file:line:col: message` lines. `PipelineError` is the only error the pipeline model throws for bad
 * input: callers print its message as is, without a stack trace.
 */
import type { SourcePosition } from './types';

export interface Diagnostic {
  /** File as given / relative to the workspace root (posix separators), or a pseudo-file such as `--var`. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.message}`;
}

export function diagnostic(at: SourcePosition, message: string): Diagnostic {
  return { file: at.file, line: at.line, col: at.col, message };
}

/**
 * Orders diagnostics by file (in `files` order, then first-seen order), then line, then column; drops
 * exact duplicates.
 */
export function sortDiagnostics(diagnostics: Diagnostic[], files: string[] = []): Diagnostic[] {
  const fileOrder = new Map<string, number>();
  for (const file of files) if (!fileOrder.has(file)) fileOrder.set(file, fileOrder.size);
  for (const d of diagnostics) if (!fileOrder.has(d.file)) fileOrder.set(d.file, fileOrder.size);
  const seen = new Set<string>();
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) =>
        fileOrder.get(a.d.file)! - fileOrder.get(b.d.file)! || a.d.line - b.d.line || a.d.col - b.d.col || a.i - b.i,
    )
    .map(({ d }) => d)
    .filter((d) => {
      const key = formatDiagnostic(d);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

export class PipelineError extends Error {
  readonly diagnostics: Diagnostic[];

  constructor(diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'PipelineError';
    this.diagnostics = diagnostics;
  }
}

/** Throws one PipelineError carrying every diagnostic, if there is any. */
export function throwIfAny(diagnostics: Diagnostic[]): void {
  if (diagnostics.length > 0) throw new PipelineError(sortDiagnostics(diagnostics));
}
