import { createHash } from "node:crypto";
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate, MigrationError, readMigrations } from "../../lib/db/migrator";
import { createTestDatabase, TEST_DATABASES, type TestDatabase } from "../support/test-db";

const MIGRATIONS = path.resolve("prisma/migrations");
const NAMES = readdirSync(MIGRATIONS, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

/** A scratch copy of prisma/migrations that a test may edit or extend. */
function copyMigrations(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "keyhold-migrations-")), "migrations");
  cpSync(MIGRATIONS, dir, { recursive: true });
  return dir;
}

function addMigration(dir: string, name: string, sql: string): void {
  mkdirSync(path.join(dir, name));
  writeFileSync(path.join(dir, name, "migration.sql"), sql);
}

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
  logs: string | null;
}

const rowsOf = (db: TestDatabase) =>
  db.driver.query<MigrationRow>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
const tableExists = async (db: TestDatabase, table: string) =>
  (await db.driver.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [`public."${table}"`]))[0].t !==
  null;

it("finds the committed migrations", () => {
  expect(NAMES.length).toBeGreaterThan(0);
  expect(readMigrations(MIGRATIONS).map((m) => m.name)).toEqual(NAMES);
});

for (const { kind, available } of TEST_DATABASES) {
  describe.skipIf(!available)(`migrate on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
    });
    afterAll(() => db?.drop());
    beforeEach(() => db.reset());

    it("applies every migration to an empty database and records it as prisma migrate does", async () => {
      expect(await migrate(db.driver, MIGRATIONS)).toEqual(NAMES);
      const rows = await rowsOf(db);
      expect(rows.map((r) => r.migration_name)).toEqual(NAMES);
      for (const row of rows) {
        const file = readFileSync(path.join(MIGRATIONS, row.migration_name, "migration.sql"));
        expect(row.checksum).toBe(createHash("sha256").update(file).digest("hex"));
        expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
        expect(row.rolled_back_at).toBeNull();
        expect(row.applied_steps_count).toBe(1);
      }
      expect(await tableExists(db, "Tenant")).toBe(true);
    });

    it("creates _prisma_migrations with Prisma's columns and types", async () => {
      await migrate(db.driver, MIGRATIONS);
      const columns = await db.driver.query<{ column_name: string; data_type: string; is_nullable: string }>(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      );
      expect(columns.map((c) => `${c.column_name} ${c.data_type}${c.is_nullable === "NO" ? " not null" : ""}`)).toEqual(
        [
          "id character varying not null",
          "checksum character varying not null",
          "finished_at timestamp with time zone",
          "migration_name character varying not null",
          "logs text",
          "rolled_back_at timestamp with time zone",
          "started_at timestamp with time zone not null",
          "applied_steps_count integer not null",
        ],
      );
    });

    it("applies nothing the second time", async () => {
      await migrate(db.driver, MIGRATIONS);
      const before = await rowsOf(db);
      expect(await migrate(db.driver, MIGRATIONS)).toEqual([]);
      expect(await rowsOf(db)).toEqual(before);
    });

    it("applies only the pending migrations, in name order", async () => {
      const dir = copyMigrations();
      try {
        await migrate(db.driver, dir);
        addMigration(dir, "29990102000000_second", `ALTER TABLE "Probe" ADD COLUMN "b" INTEGER;`);
        addMigration(dir, "29990101000000_first", `CREATE TABLE "Probe" ("a" INTEGER);`);
        expect(await migrate(db.driver, dir)).toEqual(["29990101000000_first", "29990102000000_second"]);
        expect((await rowsOf(db)).map((r) => r.migration_name)).toEqual([
          ...NAMES,
          "29990101000000_first",
          "29990102000000_second",
        ]);
      } finally {
        rmSync(path.dirname(dir), { recursive: true, force: true });
      }
    });

    it("refuses to run when an applied migration's file was modified, naming it, and applies nothing", async () => {
      const dir = copyMigrations();
      try {
        await migrate(db.driver, dir);
        appendFileSync(path.join(dir, NAMES[0], "migration.sql"), "\n-- edited after it was applied\n");
        addMigration(dir, "29990101000000_pending", `CREATE TABLE "Pending" ("a" INTEGER);`);
        const error = await migrate(db.driver, dir).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MigrationError);
        expect((error as Error).message).toContain(`Migration ${NAMES[0]} was modified after it was applied`);
        expect(await tableExists(db, "Pending")).toBe(false);
        // The lock is released: a corrected folder migrates again.
        rmSync(path.join(dir, NAMES[0]), { recursive: true });
        cpSync(path.join(MIGRATIONS, NAMES[0]), path.join(dir, NAMES[0]), { recursive: true });
        expect(await migrate(db.driver, dir)).toEqual(["29990101000000_pending"]);
      } finally {
        rmSync(path.dirname(dir), { recursive: true, force: true });
      }
    });

    it("rolls a failing migration back entirely and reports it", async () => {
      const dir = copyMigrations();
      try {
        await migrate(db.driver, dir);
        const broken = "29990101000000_broken";
        addMigration(
          dir,
          broken,
          `CREATE TABLE "Partial" ("a" INTEGER);\nALTER TABLE "Tenant" ADD COLUMN "slug" TEXT;\n`,
        );
        addMigration(dir, "29990102000000_after", `CREATE TABLE "After" ("a" INTEGER);`);
        const error = await migrate(db.driver, dir).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MigrationError);
        expect((error as Error).message).toMatch(new RegExp(`^Migration ${broken} failed: .*"slug"`));
        expect(await tableExists(db, "Partial")).toBe(false);
        expect(await tableExists(db, "After")).toBe(false);
        expect((await rowsOf(db)).map((r) => r.migration_name)).toEqual(NAMES);
        // Once fixed, it applies, followed by the next one.
        writeFileSync(path.join(dir, broken, "migration.sql"), `CREATE TABLE "Partial" ("a" INTEGER);\n`);
        expect(await migrate(db.driver, dir)).toEqual([broken, "29990102000000_after"]);
      } finally {
        rmSync(path.dirname(dir), { recursive: true, force: true });
      }
    });

    it("refuses a database whose last migration started but never finished", async () => {
      await migrate(db.driver, MIGRATIONS);
      await db.driver.exec(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, applied_steps_count) VALUES ('00000000-0000-4000-8000-000000000000', 'x', '29990101000000_crashed', 0)`,
      );
      await expect(migrate(db.driver, MIGRATIONS)).rejects.toThrow(
        "Migration 29990101000000_crashed started but did not finish",
      );
    });

    it("retries a failed migration once it is marked rolled back (prisma migrate resolve --rolled-back)", async () => {
      const dir = copyMigrations();
      try {
        await migrate(db.driver, dir);
        const name = "29990101000000_retry";
        addMigration(dir, name, `CREATE TABLE "Retried" ("a" INTEGER);`);
        await db.driver.exec(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, rolled_back_at, applied_steps_count) VALUES ('00000000-0000-4000-8000-000000000001', 'old', '${name}', now(), 0)`,
        );
        expect(await migrate(db.driver, dir)).toEqual([name]);
        expect(await tableExists(db, "Retried")).toBe(true);
        const attempts = (await rowsOf(db)).filter((r) => r.migration_name === name);
        expect(
          attempts.map((r) => (r.rolled_back_at ? "rolled back" : r.finished_at ? "finished" : "open")).sort(),
        ).toEqual(["finished", "rolled back"]);
      } finally {
        rmSync(path.dirname(dir), { recursive: true, force: true });
      }
    });

    it("refuses a database that has migrations this folder does not know", async () => {
      const dir = copyMigrations();
      try {
        addMigration(dir, "29990101000000_newer", `CREATE TABLE "Newer" ("a" INTEGER);`);
        await migrate(db.driver, dir);
        await expect(migrate(db.driver, MIGRATIONS)).rejects.toThrow(
          "The database has migrations that are not on disk: 29990101000000_newer",
        );
      } finally {
        rmSync(path.dirname(dir), { recursive: true, force: true });
      }
    });

    it("serialises concurrent calls on one driver", async () => {
      const results = await Promise.all([migrate(db.driver, MIGRATIONS), migrate(db.driver, MIGRATIONS)]);
      expect(results.flat()).toEqual(NAMES);
      expect((await rowsOf(db)).map((r) => r.migration_name)).toEqual(NAMES);
    });

    it.runIf(kind === "postgres")(
      "applies each migration once when two processes migrate at the same time",
      async () => {
        const dir = copyMigrations();
        // A slow migration widens the window in which the second migrator would start without the lock.
        addMigration(dir, "29990101000000_slow", `SELECT pg_sleep(0.5);\nCREATE TABLE "Slow" ("a" INTEGER);`);
        const a = db.openDriver();
        const b = db.openDriver();
        try {
          const [ra, rb] = await Promise.all([migrate(a, dir), migrate(b, dir)]);
          expect([...ra, ...rb].sort()).toEqual([...NAMES, "29990101000000_slow"]);
          expect([ra.length, rb.length].sort()).toEqual([0, NAMES.length + 1]);
          const rows = await rowsOf(db);
          expect(rows.map((r) => r.migration_name)).toEqual([...NAMES, "29990101000000_slow"]);
          // Both released Prisma's advisory lock (in this database: pg_locks shows the whole cluster, where other test
          // files migrate their own databases at the same time).
          const held = await db.driver.query(
            `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = 72707369
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          );
          expect(held).toEqual([]);
        } finally {
          await Promise.all([a.close(), b.close()]);
          rmSync(path.dirname(dir), { recursive: true, force: true });
        }
      },
    );
  });
}
