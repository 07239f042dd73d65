/** A minimal DigitalOcean API client for the tests: every call's status, headers and JSON body. */
export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

export class DoClient {
  /** Every `METHOD /path` called, for coverage checks. */
  readonly calls: { method: string; path: string }[] = [];

  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    this.calls.push({ method, path: new URL(path, this.baseUrl).pathname });
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  get = (path: string): Promise<Reply> => this.call('GET', path);
  post = (path: string, body: unknown): Promise<Reply> => this.call('POST', path, body);
  put = (path: string, body: unknown): Promise<Reply> => this.call('PUT', path, body);
  delete = (path: string): Promise<Reply> => this.call('DELETE', path);

  /** Polls `GET path` until `done(body)`; fails with the last body after `timeoutMs`. */
  async waitFor(path: string, done: (body: Reply['body']) => boolean, timeoutMs = 60_000): Promise<Reply['body']> {
    const deadline = Date.now() + timeoutMs;
    let last: Reply | undefined;
    while (Date.now() < deadline) {
      last = await this.get(path);
      if (last.status === 200 && done(last.body)) return last.body;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`timed out waiting on ${path}; last reply ${last?.status} ${JSON.stringify(last?.body)}`);
  }

  async waitForAction(actionId: number, timeoutMs = 60_000): Promise<Reply['body']> {
    return this.waitFor(`/v2/actions/${actionId}`, (b) => b.action.status !== 'in-progress', timeoutMs);
  }

  /** The public IPv4 address of an active droplet. */
  async waitActive(dropletId: number, timeoutMs = 60_000): Promise<string> {
    const body = await this.waitFor(`/v2/droplets/${dropletId}`, (b) => b.droplet.status === 'active', timeoutMs);
    return body.droplet.networks.v4.find((n: { type: string }) => n.type === 'public').ip_address;
  }
}
