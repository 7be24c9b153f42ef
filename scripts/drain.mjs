// Graceful shutdown for scripts/start.mjs: on SIGTERM/SIGINT the server stops accepting connections, lets the requests
// in flight finish (bounded by a grace period), then closes what is left. Without it a benchmark or an orchestrator
// stopping Keyhold cut requests off mid-way (they ended `internal` once the database closed under them).

/**
 * Counts the requests `server` is answering. `drain(graceMs)` stops accepting, closes idle keep-alive connections,
 * answers what still arrives on open ones with `connection: close`, and resolves true once none is in flight, or
 * false when the grace period ran out first; either way every connection is closed then.
 */
export function drainable(server) {
  const active = new Set();
  let draining = false;
  const waiters = new Set();
  const closeAfter = (res) => {
    if (!res.headersSent) res.setHeader("connection", "close");
  };
  server.on("request", (_req, res) => {
    active.add(res);
    if (draining) closeAfter(res);
    res.once("close", () => {
      active.delete(res);
      if (draining) server.closeIdleConnections?.();
      if (active.size === 0) for (const wake of waiters) wake();
    });
  });
  return {
    get active() {
      return active.size;
    },
    async drain(graceMs) {
      draining = true;
      active.forEach(closeAfter);
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
