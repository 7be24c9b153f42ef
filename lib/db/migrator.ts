import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import type { Driver } from "./driver";
import { serverEnv } from "../env";

/** Prisma's own lock id (see prisma-engines' advisory_lock), so Keyhold and `prisma migrate` never run at once. */
const ADVISORY_LOCK_ID = 72707369;

// Exactly the table `prisma migrate` creates, so `prisma migrate status` agrees with Keyhold.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {}

export function defaultMigrationsDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ serverEnv().KEYHOLD_MIGRATIONS_DIR);
}

export function readMigrations(dir: string): MigrationFile[] {
  if (!existsSync(dir)) throw new MigrationError(`Migrations folder not found: ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, "migration.sql")))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** Applies pending migrations in order; refuses to run when an applied migration's file changed or one failed before. */
export async function migrate(driver: Driver, dir = defaultMigrationsDir()): Promise<string[]> {
  const files = readMigrations(dir);
  return driver.withConnection(async (conn) => {
    if (driver.kind === "postgres") await conn.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_ID]);
    try {
      await conn.exec(CREATE_MIGRATIONS_TABLE);
      const rows = await conn.query<AppliedRow>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
      );
      const applied = new Map<string, AppliedRow>();
      for (const row of rows) {
        if (row.rolled_back_at) continue;
        if (!row.finished_at) {
          throw new MigrationError(
            `Migration ${row.migration_name} started but did not finish. Fix the database by hand, then mark it rolled back.`,
          );
        }
        applied.set(row.migration_name, row);
      }
      for (const file of files) {
        const row = applied.get(file.name);
        if (row && row.checksum !== file.checksum) {
          throw new MigrationError(
            `Migration ${file.name} was modified after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ${file.checksum.slice(0, 12)}… on disk). Restore the file; add a new migration instead.`,
          );
        }
      }
      const known = new Set(files.map((f) => f.name));
      const missing = [...applied.keys()].filter((name) => !known.has(name));
      if (missing.length) {
        throw new MigrationError(
          `The database has migrations that are not on disk: ${missing.join(", ")}. Is this an older Keyhold?`,
        );
      }
      const done: string[] = [];
      for (const file of files.filter((f) => !applied.has(f.name))) {
        const id = randomUUID();
        await conn.exec("BEGIN");
        try {
          await conn.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
            [id, file.checksum, file.name],
          );
          await conn.exec(file.sql);
          await conn.query(
            `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
            [id],
          );
          await conn.exec("COMMIT");
        } catch (error) {
          await conn.exec("ROLLBACK").catch(() => undefined);
          throw new MigrationError(`Migration ${file.name} failed: ${(error as Error).message}`);
        }
        done.push(file.name);
      }
      return done;
    } finally {
      if (driver.kind === "postgres") await conn.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_ID]);
    }
  });
}
