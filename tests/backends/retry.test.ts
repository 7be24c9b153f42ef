// The one throttling retry helper (lib/backends/retry.ts): backoff with full jitter inside the call's budget,
// Retry-After honoured (capped) from every SDK's error shape, `throttled` when the budget is spent.
import { describe, expect, it } from "vitest";
import { BackendError } from "../../lib/backends/backend-error";
import { parseRetryAfter, retryAfterOf, retryThrottled } from "../../lib/backends/retry";

const throttled = (headers?: Record<string, string>) =>
  Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $response: { headers: headers ?? {} } });
const isThrottled = (e: unknown) => (e as Error).name === "ThrottlingException";

describe("parseRetryAfter", () => {
  it.each([
    ["2", 2_000],
    ["0.5", 500],
    [" 1 ", 1_000],
    ["-1", null],
    ["soon", null],
    ["", null],
    [null, null],
  ])("%s → %s ms", (value, ms) => expect(parseRetryAfter(value)).toBe(ms));

  it("reads an HTTP date as the time until then", () => {
    const now = Date.parse("2026-12-05T20:00:00Z");
    expect(parseRetryAfter("Sat, 05 Dec 2026 20:00:03 GMT", now)).toBe(3_000);
  });
});

describe("retryAfterOf: the shapes the SDKs leave it in", () => {
  it("AWS ($response.headers), node-vault (response.headers), Azure (headers.get), gRPC RetryInfo", () => {
    expect(retryAfterOf(throttled({ "Retry-After": "3" }))).toBe(3_000);
    expect(retryAfterOf({ response: { statusCode: 429, headers: { "retry-after": "1" } } })).toBe(1_000);
    expect(
      retryAfterOf({ response: { headers: { get: (n: string) => (n === "retry-after" ? "4" : undefined) } } }),
    ).toBe(4_000);
    expect(retryAfterOf({ code: 8, statusDetails: [{ retryDelay: { seconds: "1", nanos: 500_000_000 } }] })).toBe(
      1_500,
    );
    expect(retryAfterOf(throttled())).toBeNull();
    expect(retryAfterOf(null)).toBeNull();
  });
});

describe("retryThrottled", () => {
  it("retries while throttled and answers once the backend does, waiting with full jitter", async () => {
    let calls = 0;
    const started = Date.now();
    const out = await retryThrottled(
      async () => {
        if (++calls < 4) throw throttled();
        return "ok";
      },
      { budgetMs: 5_000, isThrottled, random: () => 0.5, policy: { baseMs: 20, capMs: 1_000, retryAfterCapMs: 5_000 } },
    );
    expect(out).toBe("ok");
    expect(calls).toBe(4);
    // Waits of 0.5 x 20, 40, 80 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(65);
  });

  it("waits what Retry-After asks, cut to its cap", async () => {
    let calls = 0;
    const started = Date.now();
    await retryThrottled(
      async () => {
        if (++calls === 1) throw throttled({ "retry-after": "60" });
      },
      { budgetMs: 5_000, isThrottled, policy: { baseMs: 10, capMs: 100, retryAfterCapMs: 300 } },
    );
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(1_000);
  });

  it("gives up with `throttled` inside the budget, and lets other errors through at once", async () => {
    let calls = 0;
    const started = Date.now();
    const error = await retryThrottled(
      async () => {
        calls++;
        throw throttled();
      },
      { budgetMs: 600, isThrottled },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).code).toBe("throttled");
    expect((error as BackendError).message).toMatch(/^The backend is throttling requests \(\d+ attempts in \d+ ms\)/);
    expect(Date.now() - started).toBeLessThan(600);
    expect(calls).toBeGreaterThan(1);

    let other = 0;
    await expect(
      retryThrottled(
        async () => {
          other++;
          throw new Error("boom");
        },
        { budgetMs: 600, isThrottled },
      ),
    ).rejects.toThrow("boom");
    expect(other).toBe(1);
  });

  it("does not retry when the Retry-After asked for is past the budget", async () => {
    let calls = 0;
    const error = await retryThrottled(
      async () => {
        calls++;
        throw throttled({ "retry-after": "3" });
      },
      { budgetMs: 2_000, isThrottled },
    ).catch((e: unknown) => e as BackendError);
    expect(calls).toBe(1);
    expect((error as BackendError).message).toContain("it asked to wait 3000 ms");
  });
});
