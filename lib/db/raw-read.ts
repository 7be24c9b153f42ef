import "server-only";
import type { PrismaClient } from "./generated/client";
import { driverOf } from "./client";

/**
 * A read on the hot path of a request (the session lookup, the list's cache check), by the driver under Prisma when
 * `prisma` is the process's client (PGlite's single connection or the pg pool Prisma itself uses: PGlite runs it
 * outside any transaction in progress, as it runs Prisma's own statements), else through `$queryRawUnsafe` (a test's
 * client). Prisma's per-query cost (its request pipeline and result mapping) is a sizeable part of a list request
 * that the cache otherwise answers from memory.
 *
 * On PGlite the driver keeps the rows and answers the same read again from memory while no other statement has run
 * since (`Driver.queryUnchanged`), so the statement must depend on table rows only: no `now()` (compare times in the
 * caller, with this process's clock), and its rows are shared: do not change them.
 *
 * The statement must return only text, booleans, integers and float8: the two paths parse dates and JSON differently,
 * so select those as text or epoch milliseconds.
 */
export async function rawRead<T>(prisma: PrismaClient, sql: string, params: unknown[]): Promise<T[]> {
  const driver = await driverOf(prisma);
  return driver ? driver.queryUnchanged<T>(sql, params) : prisma.$queryRawUnsafe<T[]>(sql, ...params);
}
