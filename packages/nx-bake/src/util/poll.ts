import { sleep } from './sleep';

/** Calls `check` every `intervalMs` until it returns a value, the timeout passes (rejects naming `what`), or the signal aborts. */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs: number; signal?: AbortSignal },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== undefined) return result;
    if (Date.now() + options.intervalMs > deadline) throw new Error(`timed out after ${Math.round(options.timeoutMs / 1000)}s waiting for ${what}`);
    await sleep(options.intervalMs, options.signal);
  }
}
