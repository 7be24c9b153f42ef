// mapPages: a scan's per-entry requests with bounded concurrency, in order, going on while the consumer writes a page.
import { describe, expect, it } from "vitest";
import { mapPages } from "../../lib/backends/scan-pipeline";

async function* batches<T>(...lists: T[][]): AsyncIterable<T[]> {
  for (const list of lists) {
    await new Promise((r) => setTimeout(r, 1));
    yield list;
  }
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const tick = (ms = 2) => new Promise((r) => setTimeout(r, ms));

describe("mapPages", () => {
  it("yields every result in the source's order, in pages of pageSize across batches", async () => {
    const pages: number[][] = [];
    const source = batches(range(0, 7), range(7, 1), [], range(8, 15));
    for await (const page of mapPages(source, { limit: 3, pageSize: 5 }, async (n) => {
      await tick(((n * 7) % 5) + 1); // calls end out of order
      return n * 10;
    })) {
      pages.push(page);
    }
    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.flat()).toEqual(range(0, 23).map((n) => n * 10));
  });

  it("keeps at most `limit` calls in flight and at most two pages started ahead of the consumer", async () => {
    let active = 0;
    let peak = 0;
    let startedCount = 0;
    let handedOut = 0;
    let aheadPeak = 0;
    const source = batches(range(0, 1000));
    for await (const page of mapPages(source, { limit: 4, pageSize: 10 }, async (n) => {
      startedCount++;
      aheadPeak = Math.max(aheadPeak, startedCount - handedOut);
      peak = Math.max(peak, ++active);
      await tick(1);
      active--;
      return n;
    })) {
      handedOut += page.length;
    }
    expect(handedOut).toBe(1000);
    expect(peak).toBe(4);
    expect(aheadPeak).toBeLessThanOrEqual(30);
  });

  it("goes on with the next page's calls while the consumer holds a page", async () => {
    const calls: number[] = [];
    const pages = mapPages(batches(range(0, 20)), { limit: 4, pageSize: 5 }, async (n) => {
      calls.push(n);
      await tick(1);
      return n;
    })[Symbol.asyncIterator]();
    const first = await pages.next();
    expect(first.value).toEqual(range(0, 5));
    const before = calls.length;
    await tick(30); // the consumer writes its page meanwhile
    expect(calls.length).toBeGreaterThan(before);
    expect(calls.length).toBeLessThanOrEqual(15);
    await pages.return?.(undefined);
  });

  it("fails with the first failed call in order, and makes none of the queued calls once stopped", async () => {
    let calls = 0;
    const run = async () => {
      const out: number[] = [];
      for await (const page of mapPages(batches(range(0, 100)), { limit: 2, pageSize: 10 }, async (n) => {
        calls++;
        await tick(1);
        if (n === 12) throw new Error(`call ${n} failed`);
        return n;
      }))
        out.push(...page);
      return out;
    };
    await expect(run()).rejects.toThrow("call 12 failed");
    const atFailure = calls;
    await tick(30);
    // Only calls already in flight when it stopped (at most `limit`) end afterwards; nothing new starts.
    expect(calls - atFailure).toBeLessThanOrEqual(2);
    expect(calls).toBeLessThan(40);
  });

  it("passes a failure of the source on", async () => {
    async function* broken(): AsyncIterable<number[]> {
      yield [1, 2];
      throw new Error("list failed");
    }
    const run = async () => {
      for await (const page of mapPages(broken(), { limit: 2, pageSize: 10 }, async (n) => n)) void page;
    };
    await expect(run()).rejects.toThrow("list failed");
  });
});
