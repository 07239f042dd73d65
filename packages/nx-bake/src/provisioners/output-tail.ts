type Stream = 'stdout' | 'stderr';

/**
 * Keeps the last lines of a command's output (both streams, in arrival order) for its failure message.
 * Docker copies stdout and stderr independently, so an error printed last on stderr can arrive before the
 * final stdout lines and drop out of the window: the last few stderr lines are therefore always kept.
 */
export class OutputTail {
  private lines: { stream: Stream; text: string }[] = [];
  private partial: Record<Stream, string> = { stdout: '', stderr: '' };

  constructor(
    private readonly maxLines = 20,
    private readonly keptErrorLines = 5,
  ) {}

  write(stream: Stream, chunk: Buffer | string): void {
    const parts = (this.partial[stream] + chunk.toString()).split(/\r?\n/);
    this.partial[stream] = parts.pop() ?? '';
    this.lines.push(...parts.map((text) => ({ stream, text })));
    // Keep a margin beyond the window, so stderr lines that fell out of it can still be found.
    if (this.lines.length > this.maxLines * 10) this.lines.splice(0, this.lines.length - this.maxLines * 10);
  }

  toString(): string {
    const all = [...this.lines, ...(['stdout', 'stderr'] as const).filter((s) => this.partial[s]).map((stream) => ({ stream, text: this.partial[stream] }))];
    const window = all.slice(-this.maxLines);
    const lastErrors = all.filter((line) => line.stream === 'stderr').slice(-this.keptErrorLines);
    const missing = lastErrors.filter((line) => !window.includes(line));
    return [...window.slice(missing.length), ...missing].map((line) => line.text).join('\n');
  }
}

/** The error message of a failed command: what failed, how, and the end of what it printed. */
export function commandFailure(what: string, exitCode: number | null, tail: OutputTail): Error {
  const output = tail.toString().trim();
  return new Error(`${what} exited with code ${exitCode ?? 'unknown'}${output ? `; last output:\n${output}` : ' (no output)'}`);
}
