// Test helper: fresh, empty databases for the db tests (`*.db.test.ts`), on PGlite and (when configured) real PostgreSQL.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { openDriver, type Driver } from "../../lib/db/driver";

export type TestDbKind = Driver["kind"];

/** An admin URL of a PostgreSQL server the tests may create and drop databases on. */
export const TEST_PG_URL = process.env.KEYHOLD_TEST_PG_URL?.trim() || undefined;

/** Loop over these with `describe.skipIf(!db.available)` so the PostgreSQL variant shows as skipped, not absent. */
export const TEST_DATABASES: { kind: TestDbKind; available: boolean }[] = [
  { kind: "pglite", available: true },
  { kind: "postgres", available: !!TEST_PG_URL },
];

export interface TestDatabase {
  kind: TestDbKind;
  /** The driver the test works with. */
  driver: Driver;
  /** Another driver on the same database (PostgreSQL only: PGlite is one process, one connection). */
  openDriver(): Driver;
  /** Empties the database (drops and recreates the public schema), so one database serves a file's tests. */
  reset(): Promise<void>;
  /** Closes every driver and deletes the database. */
  drop(): Promise<void>;
}

export async function createTestDatabase(kind: TestDbKind): Promise<TestDatabase> {
  return kind === "pglite" ? createPglite() : createPostgres();
}

async function reset(driver: Driver): Promise<void> {
  await driver.exec(`DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;`);
}

function createPglite(): TestDatabase {
  const dir = mkdtempSync(path.join(tmpdir(), "keyhold-test-db-"));
  const driver = openDriver({ dataDir: dir });
  return {
    kind: "pglite",
    driver,
    openDriver: () => {
      throw new Error("PGlite allows one driver per data folder");
    },
    reset: () => reset(driver),
    drop: async () => {
      await driver.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createPostgres(): Promise<TestDatabase> {
  if (!TEST_PG_URL) throw new Error("KEYHOLD_TEST_PG_URL is not set");
  const name = `keyhold_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  const drivers: Driver[] = [];
  const open = () => {
    const d = openDriver({ databaseUrl: url.toString(), dataDir: tmpdir() });
    drivers.push(d);
    return d;
  };
  const driver = open();
  return {
    kind: "postgres",
    driver,
    openDriver: open,
    reset: () => reset(driver),
    drop: async () => {
      await Promise.all(drivers.map((d) => d.close().catch(() => undefined)));
      await dropTestDatabase(TEST_PG_URL!, name);
    },
  };
}

/**
 * Drops a test database, closing its connections by force. PostgreSQL 15 refuses `WITH (FORCE)` to a role that is not
 * a superuser while an autovacuum worker is in that database ("must be a member of the role whose process is being
 * terminated", SQLSTATE 42501; seen once the db files ran three at a time): the worker ends within moments, so the
 * drop is tried again for up to 10 s.
 */
export async function dropTestDatabase(adminUrl: string, name: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "42501" || attempt >= 50) throw error;
    } finally {
      await client.end();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Inside a `describe`: a migrated database and a Prisma client on it for the file's tests, closed and
 * dropped afterwards. `get()` is valid from beforeAll on (when `available`); `database()` gives the database itself
 * (for a second driver). With `freshEachTest`, every test starts from an empty, migrated database.
 */
export function migratedPrisma(
  kind: TestDbKind,
  available: boolean,
  options: { freshEachTest?: boolean } = {},
): { get: () => import("../../lib/db/generated/client").PrismaClient; database: () => TestDatabase } {
  let db: TestDatabase | undefined;
  let prisma: import("../../lib/db/generated/client").PrismaClient | undefined;
  const migrateIt = async (d: TestDatabase) => (await import("../../lib/db/migrator")).migrate(d.driver);
  beforeAll(async () => {
    if (!available) return;
    const { PrismaClient } = await import("../../lib/db/generated/client");
    db = await createTestDatabase(kind);
    await migrateIt(db);
    prisma = new PrismaClient({ adapter: db.driver.adapter });
  });
  if (options.freshEachTest)
    beforeEach(async () => {
      if (!db) return;
      await db.reset();
      await migrateIt(db);
    });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });
  const ready = <T>(value: T | undefined): T => {
    if (!value) throw new Error("the test database is not ready (or not available)");
    return value;
  };
  return { get: () => ready(prisma), database: () => ready(db) };
}
