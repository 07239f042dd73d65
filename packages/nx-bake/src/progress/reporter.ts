/** Where a bake's events go: a listr2 tree in a terminal, timestamped lines in CI and logs. */
export interface Reporter {
  /** A line of a stage's own output (messages and provisioner output), already redacted. */
  line(source: string, text: string, level?: 'info' | 'warn' | 'output'): void;
  /** The steps a source will go through, once known (a tree shows them ahead). */
  steps?(source: string, names: string[]): void;
  stepStarted(source: string, step: string): void;
  stepFinished(source: string, step: string, error?: unknown): void;
  /** Ends the report; resolves when everything is written. */
  close(): Promise<void>;
}

export function isInteractive(env: NodeJS.ProcessEnv = process.env, stdout: { isTTY?: boolean } = process.stdout): boolean {
  // Nx's TUI and CI logs want plain lines: a redrawn tree in a captured stream is unreadable.
  return Boolean(stdout.isTTY) && !env.CI && env.NX_TUI !== 'true' && env.NX_BAKE_PLAIN !== '1';
}
