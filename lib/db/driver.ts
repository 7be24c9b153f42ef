import "server-only";
import path from "node:path";
import { mkdirSync } from "node:fs";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPg } from "@prisma/adapter-pg";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";
import { serverEnv } from "../env";
import { logger } from "../log";

/** The raw database connection under Prisma: the migrator needs multi-statement SQL, which Prisma's raw queries refuse. */
export interface Driver {
  kind: "pglite" | "postgres";
  /** Where the data lives, without credentials. */
  location: string;
  adapter: SqlMigrationAwareDriverAdapterFactory;
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs fn holding one connection, so session-level locks and transactions stay on it. */
  withConnection<R>(fn: (conn: Pick<Driver, "exec" | "query">) => Promise<R>): Promise<R>;
  close(): Promise<void>;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//.test(url);
}

export function openDriver(options: { databaseUrl?: string; dataDir: string }): Driver {
  if (options.databaseUrl !== undefined && !isPostgresUrl(options.databaseUrl)) {
    throw new Error("DATABASE_URL must start with postgres:// or postgresql://");
  }
  return isPostgresUrl(options.databaseUrl)
    ? openPostgres(options.databaseUrl)
    : openPglite(path.join(options.dataDir, "db"));
}

function openPglite(dir: string): Driver {
  mkdirSync(dir, { recursive: true });
  // pg_trgm: the secrets index's search reads a trigram index (migration 20261206020000_search_trgm).
  const db = new PGlite(dir, { extensions: { pg_trgm } });
  // PGlite is single-connection: serialise callers that need exclusive use (migrations).
  let queue: Promise<unknown> = Promise.resolve();
  const conn = {
    exec: async (sql: string) => void (await db.exec(sql)),
    query: async <T>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows,
  };
  return {
    kind: "pglite",
    location: dir,
    adapter: new PrismaPGlite(db),
    ...conn,
    withConnection: (fn) => {
      const run = queue.then(() => fn(conn));
      queue = run.catch(() => undefined);
      return run;
    },
    close: () => db.close(),
  };
}

function openPostgres(url: string): Driver {
  // JIT off (unless the URL sets options): the index's list statements probe an index per row read and stop after a
  // page, but are estimated as if they read every row, which made PostgreSQL spend ~0.5 s compiling each of them.
  const pool = new pg.Pool({ connectionString: url, max: serverEnv().KEYHOLD_DB_POOL_MAX, options: "-c jit=off" });
  // An idle connection the server ends (a restart, a failover, an idle reaper) is an 'error' event on the pool: without
  // a listener it would stop the process. The pool drops that client and opens a new one for the next query.
  pool.on("error", (error: Error & { code?: string }) =>
    logger.warn({ code: error.code ?? error.name }, "a database connection was closed by the server; it is replaced"),
  );
  const redacted = new URL(url);
  redacted.password = redacted.password ? "***" : "";
  return {
    kind: "postgres",
    location: redacted.toString(),
    adapter: new PrismaPg(pool),
    exec: async (sql) => void (await pool.query(sql)),
    query: async <T>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as T[],
    withConnection: async (fn) => {
      const client = await pool.connect();
      try {
        return await fn({
          exec: async (sql) => void (await client.query(sql)),
          query: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
        });
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
