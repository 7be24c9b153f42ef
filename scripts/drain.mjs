// Graceful shutdown for scripts/start.mjs: on SIGTERM/SIGINT the server stops accepting connections, lets the requests
// in flight finish (bounded by a grace period), then closes what is left. Without it a benchmark or an orchestrator
// stopping Keyhold cut requests off mid-way (they ended `internal` once the database closed under them).

/**
 * Counts the requests `server` is answering: `track(res, handled)` for each, where `handled` is the handler's
 * promise. A request is in flight until its handler settled and its response closed; a client that hangs up does
 * not end it (its handler may still be using the database). `drain(graceMs)` stops accepting, closes idle
 * keep-alive connections, answers what still arrives on open ones with `connection: close`, and resolves true once
 * none is in flight, or false when the grace period ran out first; either way every connection is closed then.
 */
export function drainable(server) {
  const active = new Set();
  let draining = false;
  const waiters = new Set();
  const closeAfter = (res) => {
    if (!res.headersSent) res.setHeader("connection", "close");
  };
  const done = (entry) => {
    active.delete(entry);
    if (draining) server.closeIdleConnections?.();
    if (active.size === 0) for (const wake of waiters) wake();
  };
  return {
    get active() {
      return active.size;
    },
    track(res, handled) {
      const entry = { res };
      active.add(entry);
      if (draining) closeAfter(res);
      const closed = new Promise((resolve) => (res.closed ? resolve() : res.once("close", resolve)));
      Promise.allSettled([Promise.resolve(handled), closed]).then(() => done(entry));
    },
    async drain(graceMs) {
      draining = true;
      for (const { res } of active) closeAfter(res);
      server.close();
      server.closeIdleConnections?.();
      let timer;
      const finished =
        active.size === 0 ||
        (await Promise.race([
          new Promise((resolve) => waiters.add(() => resolve(true))),
          new Promise((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
        ]));
      clearTimeout(timer);
      server.closeAllConnections?.();
      return finished;
    },
  };
}
