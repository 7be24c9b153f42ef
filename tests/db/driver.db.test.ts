import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, TEST_PG_URL, type TestDatabase } from "../support/test-db";

// PostgreSQL restarts, failovers and idle-connection reapers end connections the pool holds. pg's Pool emits an
// 'error' event for an idle client the server ended; with no listener that is an uncaught exception, which stops
// the whole Keyhold process (Vitest reports it as an unhandled error and fails the run).
describe.skipIf(!TEST_PG_URL)("the PostgreSQL pool when the server ends its connections", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("postgres");
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("survives idle connections being terminated, and the next query works", async () => {
    // Several idle clients in the pool.
    await Promise.all(Array.from({ length: 4 }, () => db.driver.query("SELECT pg_sleep(0.05)")));
    const [{ name }] = await db.driver.query<{ name: string }>("SELECT current_database() AS name");
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    try {
      const ended = await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        [name],
      );
      expect(ended.rowCount).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    // Give the pool's clients time to receive the termination (the crash, without a listener, happens here).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await db.driver.query<{ ok: number }>("SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
  });
});
