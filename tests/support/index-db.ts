// Test kit: one migrated PGlite database per test file for the secrets index, emptied before each test, so suites
// written on in-memory backends (memory-backend.ts) run the real listing pipeline: its SQL needs a database.
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { PrismaClient } from "../../lib/db/generated/client";
import { migrate } from "../../lib/db/migrator";
import { runningScans } from "../../lib/secrets/index/freshness";
import { memoryDatabase } from "./memory-backend";
import { createTestDatabase, type TestDatabase, type TestDbKind } from "./test-db";

export function indexDatabase(kind: TestDbKind = "pglite") {
  let db: TestDatabase | undefined;
  let prisma: PrismaClient | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await migrate(db.driver);
    const { PrismaClient } = await import("../../lib/db/generated/client");
    prisma = new PrismaClient({ adapter: db.driver.adapter });
  });
  afterAll(async () => {
    // Background scans still running would lose their database.
    await Promise.all(runningScans());
    await prisma?.$disconnect();
    await db?.drop();
  });
  beforeEach(async () => {
    await Promise.all(runningScans());
    await db!.driver.exec(`TRUNCATE "SecretIndexEntry", "SecretIndexSource"`);
  });
  return {
    get prisma(): PrismaClient {
      return prisma!;
    },
    /** memoryDatabase() whose raw SQL (the index) goes to this database: audit entries stay in memory. */
    memory: () => memoryDatabase(prisma!),
  };
}
