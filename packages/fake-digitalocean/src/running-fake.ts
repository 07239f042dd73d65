import type { Violation } from './violations';

/** What every fake with machines hands its tests: where it serves, its clean-up, its state and contract log. */
export interface RunningFake<State> {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** The port sshd listens on in every machine. */
  sshPort: number;
  /** The value of the fake's instance label on everything it made. */
  instanceId: string;
  /** Stops serving and removes every container and image this fake made. */
  stop(): Promise<void>;
  /** Back to the start: what it holds at start only, no faults or violations. */
  reset(): Promise<void>;
  state(): State;
  violations(): Violation[];
  clearViolations(): void;
}
