import { describe, expect, it } from "vitest";
import { TokenBuckets } from "../../lib/auth/api-token-limit";

describe("the per-token bucket", () => {
  it("allows a burst of the limit, then refills evenly and says how long to wait", () => {
    const buckets = new TokenBuckets(() => 60);
    const t0 = 1_000_000;
    for (let i = 0; i < 60; i++) expect(buckets.take("a", t0).allowed).toBe(true);
    expect(buckets.take("a", t0)).toEqual({ allowed: false, retryAfterMs: 1000, report: true });
    // Another token has its own bucket.
    expect(buckets.take("b", t0).allowed).toBe(true);
    // 60 a minute: one more after a second, not before.
    expect(buckets.take("a", t0 + 500).allowed).toBe(false);
    expect(buckets.take("a", t0 + 1000).allowed).toBe(true);
    expect(buckets.take("a", t0 + 1000).allowed).toBe(false);
  });

  it("never holds more than the limit, however long a token was idle", () => {
    const buckets = new TokenBuckets(() => 2);
    expect(buckets.take("a", 0).allowed).toBe(true);
    const later = 10 * 60_000;
    expect(buckets.take("a", later).allowed).toBe(true);
    expect(buckets.take("a", later).allowed).toBe(true);
    expect(buckets.take("a", later).allowed).toBe(false);
  });

  it("reports the first refusal of each window only, per token", () => {
    const buckets = new TokenBuckets(() => 2);
    const t0 = 5_000_000;
    const reports = (key: string, now: number, times: number) =>
      Array.from({ length: times }, () => buckets.take(key, now)).map((r) => (r.allowed ? "ok" : r.report));
    expect(reports("a", t0, 6)).toEqual(["ok", "ok", true, false, false, false]);
    // Another token's first refusal is its own.
    expect(reports("b", t0, 3)).toEqual(["ok", "ok", true]);
    // Within the minute: refusals go unreported even after a refill let one request through.
    expect(reports("a", t0 + 30_000, 3)).toEqual(["ok", false, false]);
    // A minute after the reported one: the next refusal is reported again, once.
    expect(reports("a", t0 + 60_000, 4)).toEqual(["ok", true, false, false]);
  });
});
