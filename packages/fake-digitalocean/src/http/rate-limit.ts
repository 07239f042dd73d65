const LIMIT = 5000;
const WINDOW_SECONDS = 3600;

/** DigitalOcean's `ratelimit-*` headers: 5000 requests an hour, counted down from the first request. */
export class RateLimitHeaders {
  private windowEnds = 0;
  private used = 0;

  next(now = Date.now()): Record<string, string> {
    const seconds = Math.floor(now / 1000);
    if (seconds >= this.windowEnds) {
      this.windowEnds = seconds + WINDOW_SECONDS;
      this.used = 0;
    }
    this.used++;
    return {
      'ratelimit-limit': String(LIMIT),
      'ratelimit-remaining': String(Math.max(0, LIMIT - this.used)),
      'ratelimit-reset': String(this.windowEnds),
    };
  }
}

/** The headers of a 429: nothing remaining until `resetSeconds` from now. */
export function exhaustedHeaders(resetSeconds: number, now = Date.now()): Record<string, string> {
  return {
    'ratelimit-limit': String(LIMIT),
    'ratelimit-remaining': '0',
    'ratelimit-reset': String(Math.ceil(now / 1000) + resetSeconds),
    'retry-after': String(resetSeconds),
  };
}
