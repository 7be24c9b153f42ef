import "server-only";

/**
 * A token bucket per API token, in this process's memory: `perMinute` requests of burst, refilled evenly. Per
 * instance by design (no database round trip on every call): behind N instances a token may make N times as many.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly perMinute: () => number) {}

  /** Takes one request from `key`'s bucket; when it is empty, says how many milliseconds until the next one. */
  take(key: string, now = Date.now()): { allowed: true } | { allowed: false; retryAfterMs: number } {
    const capacity = this.perMinute();
    const rate = capacity / 60_000;
    const b = this.buckets.get(key) ?? { tokens: capacity, at: now };
    b.tokens = Math.min(capacity, b.tokens + (now - b.at) * rate);
    b.at = now;
    this.buckets.set(key, b);
    if (this.buckets.size > 10_000) this.sweep(now, capacity, rate);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: Math.ceil((1 - b.tokens) / rate) };
  }

  /** Forgets full buckets, so the map stays as small as the tokens in use. */
  private sweep(now: number, capacity: number, rate: number) {
    for (const [key, b] of this.buckets) if (b.tokens + (now - b.at) * rate >= capacity) this.buckets.delete(key);
  }
}
