import "server-only";

/** The limit's window: `perMinute` requests refill over it, and a refused token is audited at most once in it. */
export const LIMIT_WINDOW_MS = 60_000;

/**
 * A token bucket per API token, in this process's memory: `perMinute` requests of burst, refilled evenly. Per
 * instance by design (no database round trip on every call): behind N instances a token may make N times as many.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number; reportedAt?: number }>();

  constructor(private readonly perMinute: () => number) {}

  /**
   * Takes one request from `key`'s bucket; when it is empty, says how many milliseconds until the next one, and
   * `report`: true for the first refusal of a window (one minute from the last reported one), so a flood of refused
   * requests is audited once a minute, not once a request.
   */
  take(key: string, now = Date.now()): { allowed: true } | { allowed: false; retryAfterMs: number; report: boolean } {
    const capacity = this.perMinute();
    const rate = capacity / LIMIT_WINDOW_MS;
    const b = this.buckets.get(key) ?? { tokens: capacity, at: now };
    b.tokens = Math.min(capacity, b.tokens + (now - b.at) * rate);
    b.at = now;
    this.buckets.set(key, b);
    if (this.buckets.size > 10_000) this.sweep(now, capacity, rate);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true };
    }
    const report = b.reportedAt === undefined || now - b.reportedAt >= LIMIT_WINDOW_MS;
    if (report) b.reportedAt = now;
    return { allowed: false, retryAfterMs: Math.ceil((1 - b.tokens) / rate), report };
  }

  /** Forgets full buckets not refused within a window, so the map stays as small as the tokens in use. */
  private sweep(now: number, capacity: number, rate: number) {
    for (const [key, b] of this.buckets)
      if (
        b.tokens + (now - b.at) * rate >= capacity &&
        (b.reportedAt === undefined || now - b.reportedAt >= LIMIT_WINDOW_MS)
      )
        this.buckets.delete(key);
  }
}
