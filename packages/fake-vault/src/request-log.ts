/** Every API request the fake served, as the tests' witness: what was asked, by which token (its accessor), and the answer. */
export interface LoggedRequest {
  at: string;
  method: string;
  /** Path and query, as requested (`/v1/secret/data/app`). */
  url: string;
  operationId?: string;
  /** The accessor of the token the request carried, when it was a live one: the log never holds a token. */
  tokenAccessor?: string;
  namespace?: string;
  requestBody: string;
  status: number;
  responseBody: string;
}

export class RequestLog {
  private entries: LoggedRequest[] = [];

  record(entry: Omit<LoggedRequest, 'at'>): void {
    this.entries.push({ ...entry, at: new Date().toISOString() });
  }

  all(): LoggedRequest[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.entries = [];
  }
}
