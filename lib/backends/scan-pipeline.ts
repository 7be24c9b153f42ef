import "server-only";

/**
 * Scan helpers that keep the backend busy while the index writes a page: a scan is a chain of backend requests and
 * database writes, and run one after the other each waits for the other.
 */

/**
 * Maps the items of `source` (arriving in batches: Vault's folder levels) with `fn`, at most `limit` calls in flight,
 * and yields the results in the source's order in pages of `pageSize`. The calls go on while the consumer handles a
 * page: up to two pages of items are started ahead of the one being consumed, so memory is bounded by the page
 * size (plus the source's own batch), not by the number of items. A failed call fails the iteration, in order.
 */
export async function* mapPages<T, R>(
  source: AsyncIterable<T[]>,
  { limit, pageSize }: { limit: number; pageSize: number },
  fn: (item: T) => Promise<R>,
): AsyncIterable<R[]> {
  const window = pageSize * 2;
  const input = source[Symbol.asyncIterator]();
  let batch: T[] = [];
  let at = 0;
  let sourceDone = false;
  // Started calls, in order, not handed out yet.
  const started: Promise<R>[] = [];
  let active = 0;
  const waiting: (() => void)[] = [];
  let stopped = false;
  const run = async (item: T): Promise<R> => {
    while (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    // The consumer stopped (or a call failed): the calls still queued are not made.
    if (stopped) throw new Error("stopped");
    active++;
    try {
      return await fn(item);
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
  /** Starts calls for the current batch's items while the window has room. */
  const startFromBatch = () => {
    while (started.length < window && at < batch.length) {
      const call = run(batch[at++]);
      // Awaited in order below; until then a rejection must not count as unhandled.
      call.catch(() => undefined);
      started.push(call);
    }
  };
  /** Fills the window, reading the source's next batches as needed. */
  const fill = async () => {
    for (;;) {
      startFromBatch();
      if (started.length >= window || sourceDone) return;
      const next = await input.next();
      if (next.done) sourceDone = true;
      else {
        batch = next.value;
        at = 0;
      }
    }
  };
  try {
    for (;;) {
      // A full page (the window holds two), or what is left once the source ended.
      await fill();
      if (!started.length) return;
      const page = await Promise.all(started.splice(0, pageSize));
      // The next page's calls start before this one is handed out (without waiting for the source's next batch).
      startFromBatch();
      yield page;
    }
  } finally {
    stopped = true;
    if (!sourceDone) await input.return?.();
  }
}
