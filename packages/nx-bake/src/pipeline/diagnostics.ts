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
  return `${d.file}:${d.line}:${d.col}: ${printable(d.message)}`;
}

/** Longest message printed whole; a longer one (quoting a 1 MB value, say) is cut in the middle. */
const MAX_MESSAGE_LENGTH = 1000;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A message as one readable line. Messages quote what the user wrote: control and invisible characters
 * in it (NUL, a right-to-left override, a zero-width space, a BOM, a lone surrogate, line breaks) are
 * shown escaped, so a name that looks right shows why it is not, and nothing garbles the terminal.
 */
function printable(message: string): string {
  let text = message.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu, (ch) => {
    const code = ch.codePointAt(0)!;
    return ESCAPES[ch] ?? (code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
  if (text.length > MAX_MESSAGE_LENGTH) {
    // Not between the two halves of a surrogate pair.
    const cut = (at: number) => (/[\uDC00-\uDFFF]/.test(text[at] ?? '') ? at + 1 : at);
    const head = cut(MAX_MESSAGE_LENGTH * 0.6);
    const tail = cut(text.length - MAX_MESSAGE_LENGTH * 0.3);
    text = `${text.slice(0, head)}…(${tail - head} characters)…${text.slice(tail)}`;
  }
  return text;
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
