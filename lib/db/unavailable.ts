import "server-only";

// SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, restart, cannot connect now).
const SQLSTATE = /^(08\w{3}|57P0[1-4])$/;
const NODE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH"]);
// Prisma's own: cannot reach the server, server closed the connection, pool timeout.
const PRISMA_CODES = new Set(["P1001", "P1002", "P1017", "P2024"]);
const WORDS =
  /Connection terminated|terminating connection|Server has closed the connection|Can't reach database server|the database system is (starting up|shutting down|in recovery mode)|Client has encountered a connection error/i;

/**
 * Whether a failure means the database could not be reached or dropped the connection (a restart, a failover), as
 * opposed to a query Keyhold got wrong: then the caller hears "the database is unavailable", not "internal".
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length) {
    const e = queue.shift() as
      | {
          code?: unknown;
          message?: unknown;
          originalCode?: unknown;
          cause?: unknown;
          meta?: { driverAdapterError?: unknown };
        }
      | undefined;
    if (!e || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    for (const code of [e.code, e.originalCode])
      if (typeof code === "string" && (SQLSTATE.test(code) || NODE_CODES.has(code) || PRISMA_CODES.has(code)))
        return true;
    if (typeof e.message === "string" && WORDS.test(e.message)) return true;
    queue.push(e.cause, e.meta?.driverAdapterError);
  }
  return false;
}

export const DATABASE_UNAVAILABLE =
  "The database is unavailable (it may be restarting, or the connection was lost). Try again in a moment; if this request was a change, check whether it was saved.";
