/** A departure from the contract by a request the fake received or a response it sent. */
export interface Violation {
  direction: 'request' | 'response';
  method: string;
  /** Path and query, as requested. */
  url: string;
  operationId?: string;
  /** The response status (for a request violation: what the fake answered). */
  status?: number;
  problems: string[];
  at: string;
}

export class ViolationLog {
  private entries: Violation[] = [];

  constructor(private readonly onViolation?: (violation: Violation) => void) {}

  record(violation: Omit<Violation, 'at'>): void {
    const entry = { ...violation, at: new Date().toISOString() };
    this.entries.push(entry);
    this.onViolation?.(entry);
  }

  all(): Violation[] {
    return this.entries.map((v) => ({ ...v, problems: [...v.problems] }));
  }

  clear(): void {
    this.entries = [];
  }
}
