import "server-only";
import path from "node:path";
import { mkdirSync } from "node:fs";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPg } from "@prisma/adapter-pg";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";
import { serverEnv } from "../env";
import { logger } from "../log";
import { lockDataDir } from "./data-lock";

/** The raw database connection under Prisma: the migrator needs multi-statement SQL, which Prisma's raw queries refuse. */
export interface Driver {
  kind: "pglite" | "postgres";
  /** Where the data lives, without credentials. */
  location: string;
  adapter: SqlMigrationAwareDriverAdapterFactory;
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * A read of the request's hot path that PGlite may answer from this process's memory: the same statement's rows
   * as last read, while no other statement has run or started since (see `openPglite`). PostgreSQL always asks the
   * server (other instances write to it). The statement must depend on table rows only: no `now()`, no sequence.
   * The rows may be shared between callers: do not change them.
   */
  queryUnchanged<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
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

/** Reads PGlite keeps per process (`queryUnchanged`): a list request's one read per session and namespace. */
const UNCHANGED_MAX = 1_000;

function openPglite(dir: string): Driver {
  mkdirSync(dir, { recursive: true });
  // The folder's lock first (lib/db/data-lock.ts): PGlite reads the folder as soon as it is created, and a second
  // process on it aborts or damages the data. Every statement waits for it; refused, each answers DataDirInUse.
  const opened = lockDataDir(dir).then((release) => ({
    // pg_trgm: the secrets index's search reads a trigram index (migration 20261206020000_search_trgm).
    db: new PGlite(dir, { extensions: { pg_trgm } }),
    release,
  }));
  opened.catch(() => undefined); // refused: told by the first statement
  const pglite = async () => (await opened).db;
  // PGlite is this process's only connection to its data folder (one process at a time: the CLI asks for the console
  // to be stopped), so every change to the data passes through `counted` below. Each statement, Prisma's included,
  // moves `epoch` when it is asked and again when it settles, and `pending` counts those not settled. A read kept by
  // `queryUnchanged` is served again only while the epoch is the one it was asked at and it was asked with nothing
  // pending: no statement ran or was queued between that read and now, so the data it read is the data now.
  let epoch = 0;
  let pending = 0;
  const kept = new Map<string, { epoch: number; rows: readonly unknown[] }>();
  const counted =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      epoch++;
      pending++;
      try {
        return await fn(...args);
      } finally {
        pending--;
        epoch++;
      }
    };
  // Every argument passed on (Prisma's adapter asks for array rows in query's options).
  const query = counted(async <T>(...args: Parameters<PGlite["query"]>) => (await pglite()).query<T>(...args));
  const exec = counted(async (...args: Parameters<PGlite["exec"]>) => (await pglite()).exec(...args));
  const transaction = counted(async <T>(fn: (tx: Transaction) => Promise<T>) => (await pglite()).transaction(fn));
  // Prisma's adapter sees only these three: its statements, transactions included, all move the epoch.
  const client = { query, exec, transaction } as unknown as PGlite;
  // PGlite is single-connection: serialise callers that need exclusive use (migrations).
  let queue: Promise<unknown> = Promise.resolve();
  const conn = {
    exec: async (sql: string) => void (await exec(sql)),
    query: async <T>(sql: string, params: unknown[] = []) => (await query<T>(sql, params)).rows,
  };
  return {
    kind: "pglite",
    location: dir,
    adapter: new PrismaPGlite(client),
    ...conn,
    queryUnchanged: async <T>(sql: string, params: unknown[] = []) => {
      const key = `${sql}\u0000${JSON.stringify(params)}`;
      const hit = kept.get(key);
      if (hit && hit.epoch === epoch && pending === 0) return hit.rows as T[];
      const asked = pending === 0 ? epoch : -1;
      // Frozen, first read included: a caller that changed shared rows would fail at once, not leak into the next.
      const rows = Object.freeze((await (await pglite()).query<T>(sql, params)).rows.map((r) => Object.freeze(r)));
      if (asked === epoch) {
        kept.delete(key);
        kept.set(key, { epoch, rows });
        if (kept.size > UNCHANGED_MAX) kept.delete(kept.keys().next().value!);
      }
      return rows as T[];
    },
    withConnection: (fn) => {
      const run = queue.then(() => fn(conn));
      queue = run.catch(() => undefined);
      return run;
    },
    close: async () => {
      const held = await opened.catch(() => null);
      if (!held) return;
      await held.db.close();
      await held.release();
    },
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
  const query = async <T>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as T[];
  const redacted = new URL(url);
  redacted.password = redacted.password ? "***" : "";
  return {
    kind: "postgres",
    location: redacted.toString(),
    adapter: new PrismaPg(pool),
    exec: async (sql) => void (await pool.query(sql)),
    query,
    // Other instances write to the same server: every read asks it.
    queryUnchanged: query,
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
