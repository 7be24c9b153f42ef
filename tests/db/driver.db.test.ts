import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { PrismaClient } from "../../lib/db/generated/client";
import { migrate } from "../../lib/db/migrator";
import { createTestDatabase, TEST_DATABASES, TEST_PG_URL, type TestDatabase } from "../support/test-db";

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

// A list request's one read (the session, the tenant, the kept answer's check) goes through `queryUnchanged`: PGlite
// answers it again from memory while no statement has run since, PostgreSQL always asks the server. A kept read
// answered after a change would let a revoked session or a removed role through, so every way a change reaches the
// database is tried: Prisma's statements and its transactions, the driver's own, and a change asked while the read is
// in flight.
describe.each(TEST_DATABASES)("reads kept while nothing changed ($kind)", ({ kind, available }) => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  const READ = `SELECT "email", "name" FROM "User" WHERE "id" = $1`;
  const read = () => db.driver.queryUnchanged<{ email: string; name: string }>(READ, ["u1"]);

  beforeAll(async () => {
    if (!available) return;
    db = await createTestDatabase(kind);
    await migrate(db.driver);
    prisma = new PrismaClient({ adapter: db.driver.adapter });
    await prisma.user.create({ data: { id: "u1", email: "a@keyhold.test", name: "first" } });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  it.skipIf(!available)("answers from memory only on PGlite, and only until a statement runs", async () => {
    const first = await read();
    const again = await read();
    expect(again).toEqual([{ email: "a@keyhold.test", name: "first" }]);
    // The same rows object: not read again (PGlite); PostgreSQL reads every time.
    expect(again === first).toBe(kind === "pglite");
    // Shared between callers, so frozen: changing them fails at once instead of reaching the next request.
    if (kind === "pglite") expect(() => Object.assign(first[0], { name: "changed" })).toThrow(TypeError);

    await prisma.user.update({ where: { id: "u1" }, data: { name: "by prisma" } });
    expect(await read()).toEqual([{ email: "a@keyhold.test", name: "by prisma" }]);

    await read();
    await prisma.$transaction([prisma.user.update({ where: { id: "u1" }, data: { name: "in a transaction" } })]);
    expect(await read()).toEqual([{ email: "a@keyhold.test", name: "in a transaction" }]);

    await read();
    await prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id: "u1" }, data: { name: "interactive" } });
    });
    expect(await read()).toEqual([{ email: "a@keyhold.test", name: "interactive" }]);

    await read();
    await prisma.$executeRaw`UPDATE "User" SET "name" = 'raw' WHERE "id" = 'u1'`;
    expect(await read()).toEqual([{ email: "a@keyhold.test", name: "raw" }]);

    await read();
    await db.driver.exec(`UPDATE "User" SET "name" = 'driver' WHERE "id" = 'u1'`);
    expect(await read()).toEqual([{ email: "a@keyhold.test", name: "driver" }]);

    await read();
    await db.driver.withConnection((c) => c.query(`UPDATE "User" SET "name" = 'connection' WHERE "id" = 'u1'`));
    expect(await read()).toEqual([{ email: "a@keyhold.test", name: "connection" }]);
  });

  it.skipIf(!available)("does not keep a read a change overlapped, whichever started first", async () => {
    // The change asked first, the read while it is pending (a concurrent read may see either value): the next read
    // sees the change, whichever the read in between saw and kept.
    await read();
    const change = db.driver.exec(`UPDATE "User" SET "name" = 'pending' WHERE "id" = 'u1'`);
    const during = read();
    await Promise.all([change, during]);
    expect((await read())[0].name).toBe("pending");

    // The read asked first, the change right after it.
    await read();
    const before = read();
    const later = prisma.user.update({ where: { id: "u1" }, data: { name: "after" } }).then((u) => u);
    await Promise.all([before, later]);
    expect((await read())[0].name).toBe("after");

    // A read of other parameters is kept apart.
    await prisma.user.create({ data: { id: "u2", email: "b@keyhold.test", name: "second" } });
    expect(await db.driver.queryUnchanged(READ, ["u2"])).toEqual([{ email: "b@keyhold.test", name: "second" }]);
    expect((await read())[0].name).toBe("after");
  });
});
