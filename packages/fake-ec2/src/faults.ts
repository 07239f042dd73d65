/** Fault knobs: each applies to the next `count` matching events (Infinity: all of them), then is used up. */
export interface FaultsSnapshot {
  throttle: number;
  serverErrors: { remaining: number; status: number; action?: string }[];
  insufficientCapacity: number;
  neverHealthy: number;
  failedImages: number;
}

export class Faults {
  private throttleCount = 0;
  private serverErrorQueue: { remaining: number; status: number; action?: string }[] = [];
  private capacityCount = 0;
  private neverHealthyCount = 0;
  private failedImageCount = 0;

  /** The next `count` API requests get `RequestLimitExceeded` (HTTP 503), as EC2 throttles. */
  throttle(count = 1): void {
    this.throttleCount += count;
  }

  /** The next `count` API requests (of `action`, if given) get an `InternalError` with `status` (default 500). */
  serverErrors(count = 1, options: { status?: number; action?: string } = {}): void {
    const status = options.status ?? 500;
    if (status < 500 || status > 599) throw new Error(`serverErrors: status ${status} is not a 5xx`);
    this.serverErrorQueue.push({ remaining: count, status, action: options.action });
  }

  /** The next `count` RunInstances calls fail with `InsufficientInstanceCapacity`. */
  insufficientCapacity(count = 1): void {
    this.capacityCount += count;
  }

  /** The next `count` instances run but their status checks never pass. */
  neverHealthy(count = 1): void {
    this.neverHealthyCount += count;
  }

  /** The next `count` images made (CreateImage, CopyImage) end in state `failed`. */
  failImages(count = 1): void {
    this.failedImageCount += count;
  }

  takeThrottle(): boolean {
    return take(this, 'throttleCount');
  }

  takeServerError(action: string): number | undefined {
    const fault = this.serverErrorQueue.find((f) => !f.action || f.action === action);
    if (!fault) return undefined;
    if (--fault.remaining <= 0) this.serverErrorQueue.splice(this.serverErrorQueue.indexOf(fault), 1);
    return fault.status;
  }

  takeInsufficientCapacity(): boolean {
    return take(this, 'capacityCount');
  }

  takeNeverHealthy(): boolean {
    return take(this, 'neverHealthyCount');
  }

  takeFailedImage(): boolean {
    return take(this, 'failedImageCount');
  }

  snapshot(): FaultsSnapshot {
    return {
      throttle: this.throttleCount,
      serverErrors: this.serverErrorQueue.map((f) => ({ ...f })),
      insufficientCapacity: this.capacityCount,
      neverHealthy: this.neverHealthyCount,
      failedImages: this.failedImageCount,
    };
  }

  clear(): void {
    this.throttleCount = this.capacityCount = this.neverHealthyCount = this.failedImageCount = 0;
    this.serverErrorQueue = [];
  }
}

type Counter = 'throttleCount' | 'capacityCount' | 'neverHealthyCount' | 'failedImageCount';

function take(faults: Faults, counter: Counter): boolean {
  const counts = faults as unknown as Record<Counter, number>;
  if (counts[counter] <= 0) return false;
  counts[counter]--;
  return true;
}
