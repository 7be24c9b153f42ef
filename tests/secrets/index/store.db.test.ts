// The secrets index's store: streaming refresh into generations, the scan lease, write-through, drops.
import { beforeEach, describe, expect, it } from "vitest";
import { BackendError } from "../../../lib/backends/backend-error";
import type { PrismaClient } from "../../../lib/db/generated/client";
import { ignoredCounts, listVisible, type LineageEntry } from "../../../lib/secrets/index/query";
import {
  dropSources,
  refreshSource,
  removeEntry,
  setSubkeys,
  settleIndexWrites,
  sourceState,
  upsertEntry,
  waitForRefresh,
  type IndexSource,
} from "../../../lib/secrets/index/store";
import { pagesOf, secret, steppedScan } from "../../support/secrets-index";
import { migratedPrisma, TEST_DATABASES, type TestDatabase } from "../../support/test-db";

const SOURCE: IndexSource = { key: "config:c1:v1", tenantId: "t1", configId: "c1" };
const LINEAGE: LineageEntry[] = [{ namespace: "team", depth: 0, sourceKey: SOURCE.key, attachmentNamespace: null }];

async function allKeys(prisma: PrismaClient, lineage = LINEAGE): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await listVisible(prisma, { tenant: "acme", lineage, cursor, limit: 500 });
    keys.push(...page.rows.map((r) => r.key));
    cursor = page.nextCursor;
  } while (cursor);
  return keys;
}

const own = (key: string) => secret(key, { namespace: "team" });

for (const { kind, available } of TEST_DATABASES) {
  describe.skipIf(!available)(`secrets index store on ${kind}`, () => {
    const database = migratedPrisma(kind, available, { freshEachTest: true });
    let prisma: PrismaClient;
    let db: TestDatabase;
    beforeEach(() => {
      prisma = database.get();
      db = database.database();
    });

    it("fills a source from 12,000 secrets page by page, counting progress as it goes", async () => {
      const progress: number[] = [];
      function* generate() {
        for (let i = 0; i < 12_000; i++) yield own(`KEY_${i}`);
      }
      const result = await refreshSource(prisma, SOURCE, () =>
        pagesOf(generate(), 1000, async (index) => {
          // Before page n is handed out, the n pages before it are written and counted, and a list already shows them.
          const state = await sourceState(prisma, SOURCE.key);
          progress.push(state?.scanCount ?? -1);
          if (index === 3) {
            const shown = await listVisible(prisma, { tenant: "acme", lineage: LINEAGE, limit: 1 });
            expect(shown.total).toBe(3000);
            expect(state?.scanning).toBe(true);
          }
        }),
      );
      expect(result).toEqual({ status: "done", generation: 1, count: 12_000 });
      expect(progress).toEqual(Array.from({ length: 12 }, (_, i) => i * 1000));
      const state = await sourceState(prisma, SOURCE.key);
      expect(state).toMatchObject({ servedGeneration: 1, scanGeneration: null, scanning: false, lastError: null });
      expect(state?.scannedAt).toBeInstanceOf(Date);
      const keys = await allKeys(prisma);
      expect(keys).toHaveLength(12_000);
      expect(keys.slice(0, 3)).toEqual(["KEY_0", "KEY_1", "KEY_2"]);
      expect(keys.at(-1)).toBe("KEY_11999");
    });

    it("serves the new generation only once its scan finished, and drops the old one", async () => {
      await refreshSource(prisma, SOURCE, () => pagesOf([own("OLD_A"), own("KEPT")], 10));
      const scan = steppedScan([[own("KEPT"), own("NEW_B")], [own("NEW_C")]]);
      const running = refreshSource(prisma, SOURCE, scan.scan);
      await scan.step();
      expect(await allKeys(prisma)).toEqual(["KEPT", "OLD_A"]);
      await scan.step();
      expect(await running).toMatchObject({ status: "done", generation: 2, count: 3 });
      expect(await allKeys(prisma)).toEqual(["KEPT", "NEW_B", "NEW_C"]);
      await settleIndexWrites(); // the old generation goes after the swap
      const generations = await prisma.$queryRaw<{ generation: number }[]>`
        SELECT DISTINCT "generation" FROM "SecretIndexEntry" WHERE "sourceKey" = ${SOURCE.key}`;
      expect(generations).toEqual([{ generation: 2 }]);
    });

    it("drops the old generation after the swap, and never a source created again meanwhile", async () => {
      await refreshSource(prisma, SOURCE, () => pagesOf([own("OLD")], 10));
      expect(await refreshSource(prisma, SOURCE, () => pagesOf([own("NEW")], 10))).toMatchObject({ generation: 2 });
      // Served from the swap on, whether or not generation 1 is deleted yet.
      expect(await allKeys(prisma)).toEqual(["NEW"]);
      // The source is dropped and created again before that delete ran: its generation 1 is not the old one's.
      await dropSources(prisma, { key: SOURCE.key });
      expect(await refreshSource(prisma, SOURCE, () => pagesOf([own("AGAIN")], 10))).toMatchObject({ generation: 1 });
      await settleIndexWrites();
      expect(await allKeys(prisma)).toEqual(["AGAIN"]);
      // And a source's own older generation goes.
      await refreshSource(prisma, SOURCE, () => pagesOf([own("LATER")], 10));
      await settleIndexWrites();
      const generations = await prisma.$queryRaw<{ generation: number }[]>`
        SELECT DISTINCT "generation" FROM "SecretIndexEntry" WHERE "sourceKey" = ${SOURCE.key}`;
      expect(generations).toEqual([{ generation: 2 }]);
      expect(await allKeys(prisma)).toEqual(["LATER"]);
    });

    it("keeps the previous generation when a scan fails, records the error and releases the lease", async () => {
      await refreshSource(prisma, SOURCE, () => pagesOf([own("A"), own("B")], 10));
      const scan = steppedScan([[own("C")], [own("D")]]);
      const running = refreshSource(prisma, SOURCE, scan.scan);
      await scan.step();
      scan.fail(new BackendError("unreachable", `AWS Secrets Manager did not answer: ${"x".repeat(900)}`));
      const result = await running;
      expect(result).toMatchObject({ status: "failed", code: "unreachable" });
      expect(await allKeys(prisma)).toEqual(["A", "B"]);
      const state = await sourceState(prisma, SOURCE.key);
      expect(state).toMatchObject({ servedGeneration: 1, scanGeneration: null, scanning: false });
      expect(state?.lastError?.code).toBe("unreachable");
      expect(state?.lastError?.message.length).toBeLessThanOrEqual(500);
      expect(state?.lastError?.message).toMatch(/^AWS Secrets Manager did not answer: x+…$/);
      const rows = await prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "SecretIndexEntry"`;
      expect(Number(rows[0].n)).toBe(2); // the partial generation is gone
      // An error that is not a backend's is recorded without its words.
      const other = await refreshSource(prisma, SOURCE, async function* () {
        yield [];
        throw new Error("password=hunter2 at line 3");
      });
      expect(other).toEqual({ status: "failed", code: "internal", message: "The backend could not be read." });
      // The lease is free: the next refresh runs, and success clears the error.
      expect(await refreshSource(prisma, SOURCE, () => pagesOf([own("E")], 10))).toMatchObject({ status: "done" });
      expect((await sourceState(prisma, SOURCE.key))?.lastError).toBeNull();
    });

    it("shows a write-through at once and keeps it across a scan that started before it", async () => {
      await refreshSource(prisma, SOURCE, () => pagesOf([own("A"), own("GONE")], 10));
      const scan = steppedScan([[own("A"), own("GONE")], [own("B")]]);
      const running = refreshSource(prisma, SOURCE, scan.scan);
      await scan.step(); // the scan already listed GONE and missed NEW
      expect(await upsertEntry(prisma, SOURCE.key, own("NEW"))).toBe(2); // served and scanning generations
      expect(await removeEntry(prisma, SOURCE.key, { key: "GONE", namespace: "team" })).toBe(2);
      expect(await allKeys(prisma)).toEqual(["A", "NEW"]);
      await scan.step();
      expect((await running).status).toBe("done");
      expect(await allKeys(prisma)).toEqual(["A", "B", "NEW"]);
      // An update replaces the row; a removal by backend name works too.
      await upsertEntry(prisma, SOURCE.key, own("NEW"));
      await upsertEntry(prisma, SOURCE.key, { ...own("B"), description: "rotated", tags: { team: "core" } });
      const b = (await listVisible(prisma, { tenant: "acme", lineage: LINEAGE, search: "team=core" })).rows;
      expect(b.map((r) => [r.key, r.description])).toEqual([["B", "rotated"]]);
      expect(await removeEntry(prisma, SOURCE.key, { backendName: own("A").backendName })).toBe(1);
      expect(await allKeys(prisma)).toEqual(["B", "NEW"]);
    });

    it("a delete through Keyhold during a scan wins over the page the scan fetched before it", async () => {
      await refreshSource(prisma, SOURCE, () => pagesOf([own("A"), own("GONE"), own("LATE")], 10));
      // The scan's second page was fetched before the deletes below: it still holds GONE and LATE.
      const scan = steppedScan([[own("A")], [own("GONE"), own("B"), own("LATE")]]);
      const running = refreshSource(prisma, SOURCE, scan.scan);
      await scan.step();
      expect(await removeEntry(prisma, SOURCE.key, { backendName: own("GONE").backendName })).toBe(1);
      expect(await removeEntry(prisma, SOURCE.key, { key: "LATE", namespace: "team" })).toBe(1);
      // LATE is created again through Keyhold: that write wins over its tombstone.
      await upsertEntry(prisma, SOURCE.key, { ...own("LATE"), description: "again" });
      expect(await allKeys(prisma)).toEqual(["A", "LATE"]);
      await scan.step();
      expect(await running).toMatchObject({ status: "done", generation: 2 });
      expect(await allKeys(prisma)).toEqual(["A", "B", "LATE"]);
      const late = await listVisible(prisma, { tenant: "acme", lineage: LINEAGE, search: "LATE" });
      expect(late.rows.map((r) => [r.key, r.description])).toEqual([["LATE", "again"]]);
      expect(await ignoredCounts(prisma, SOURCE.key, "acme")).toEqual({});
      // The finished scan left no tombstone behind.
      await settleIndexWrites();
      const rows = await prisma.$queryRaw<{ n: bigint | number }[]>`
        SELECT count(*) AS "n" FROM "SecretIndexEntry" WHERE "sourceKey" = ${SOURCE.key}`;
      expect(Number(rows[0].n)).toBe(3);
    });

    it("a delete during a first scan (nothing served yet) is not listed, counted or ignored", async () => {
      const scan = steppedScan([[own("A")], [own("GONE"), own("B")]]);
      const running = refreshSource(prisma, SOURCE, scan.scan);
      await scan.step();
      expect(await removeEntry(prisma, SOURCE.key, { backendName: own("GONE").backendName })).toBe(0);
      expect(await allKeys(prisma)).toEqual(["A"]);
      await scan.step();
      expect((await running).status).toBe("done");
      expect(await allKeys(prisma)).toEqual(["A", "B"]);
      expect((await listVisible(prisma, { tenant: "acme", lineage: LINEAGE, limit: 1 })).total).toBe(2);
      expect(await ignoredCounts(prisma, SOURCE.key, "acme")).toEqual({});
    });

    it("writes nothing through for a source never indexed (its first scan will list it)", async () => {
      expect(await upsertEntry(prisma, "config:none:v1", own("A"))).toBe(0);
      expect(await removeEntry(prisma, "config:none:v1", { backendName: "x" })).toBe(0);
      expect(await sourceState(prisma, "config:none:v1")).toBeNull();
    });

    it("keeps subkey names learnt on demand", async () => {
      await refreshSource(prisma, SOURCE, () => pagesOf([own("A")], 10));
      const before = await listVisible(prisma, { tenant: "acme", lineage: LINEAGE });
      expect(before.rows[0].subkeys).toBeNull();
      expect(await setSubkeys(prisma, SOURCE.key, own("A").backendName, ["user", "password"])).toBe(1);
      const after = await listVisible(prisma, { tenant: "acme", lineage: LINEAGE });
      expect(after.rows[0].subkeys).toEqual(["user", "password"]);
    });

    it("drops a configuration's index by config id, and a source by key", async () => {
      const other: IndexSource = { key: "config:c2:v3", tenantId: "t1", configId: "c2" };
      await refreshSource(prisma, SOURCE, () => pagesOf([own("A"), own("B")], 10));
      await refreshSource(prisma, other, () => pagesOf([own("C")], 10));
      expect(await dropSources(prisma, { configId: "c1" })).toBe(1);
      expect(await sourceState(prisma, SOURCE.key)).toBeNull();
      expect(await allKeys(prisma)).toEqual([]);
      const left = await prisma.$queryRaw<{ sourceKey: string }[]>`SELECT "sourceKey" FROM "SecretIndexEntry"`;
      expect(left).toEqual([{ sourceKey: other.key }]);
      expect(await dropSources(prisma, { key: other.key })).toBe(1);
      expect(await prisma.$queryRaw`SELECT * FROM "SecretIndexEntry"`).toEqual([]);
    });

    it("answers busy while another holder scans, and a waiter sees that scan end", async () => {
      const scan = steppedScan([[own("A")], [own("B")]]);
      const running = refreshSource(prisma, SOURCE, scan.scan);
      await scan.step();
      let calls = 0;
      const second = await refreshSource(prisma, SOURCE, async function* () {
        calls++;
        yield [own("Z")];
      });
      expect(second).toEqual({ status: "busy" });
      expect(calls).toBe(0);
      expect((await sourceState(prisma, SOURCE.key))?.scanning).toBe(true);
      const waiting = waitForRefresh(prisma, SOURCE.key, { timeoutMs: 10_000, pollMs: 20 });
      expect(await waitForRefresh(prisma, SOURCE.key, { timeoutMs: 50, pollMs: 20 })).toMatchObject({
        finished: false,
      });
      await scan.step();
      await running;
      expect(await waiting).toMatchObject({ finished: true, state: { servedGeneration: 1, scanning: false } });
    });

    it("lets another holder take a lease its crashed holder left, and drops the late holder's work", async () => {
      await refreshSource(prisma, SOURCE, () => pagesOf([own("A")], 10));
      // A holder that stops renewing (a crashed instance) with a short lease.
      const stuck = steppedScan([[own("STUCK_1")], [own("STUCK_2")]]);
      const crashed = refreshSource(prisma, SOURCE, stuck.scan, { leaseMs: 200 });
      await stuck.step();
      expect(await refreshSource(prisma, SOURCE, () => pagesOf([own("B")], 10))).toEqual({ status: "busy" });
      await new Promise((r) => setTimeout(r, 300));
      expect(await refreshSource(prisma, SOURCE, () => pagesOf([own("B")], 10))).toMatchObject({
        status: "done",
        generation: 3,
      });
      expect(await allKeys(prisma)).toEqual(["B"]);
      // The old holder wakes up: its lease is gone, so it writes nothing that lists see.
      await stuck.step();
      expect(await crashed).toEqual({ status: "lost" });
      expect(await allKeys(prisma)).toEqual(["B"]);
      await settleIndexWrites(); // the old generation goes after the swap
      const generations = await prisma.$queryRaw<{ generation: number }[]>`
        SELECT DISTINCT "generation" FROM "SecretIndexEntry" WHERE "sourceKey" = ${SOURCE.key}`;
      expect(generations).toEqual([{ generation: 3 }]);
    });

    it.skipIf(kind !== "postgres")("scans once when two instances refresh the same source at once", async () => {
      const drivers = [db.openDriver(), db.openDriver()];
      const { PrismaClient } = await import("../../../lib/db/generated/client");
      const clients = drivers.map((d) => new PrismaClient({ adapter: d.adapter }));
      try {
        let calls = 0;
        const scan = async function* () {
          calls++;
          for (let p = 0; p < 5; p++) {
            await new Promise((r) => setTimeout(r, 20));
            yield Array.from({ length: 100 }, (_, i) => own(`K${p}_${i}`));
          }
        };
        for (let round = 0; round < 5; round++) {
          calls = 0;
          const results = await Promise.all(clients.map((c) => refreshSource(c, SOURCE, scan)));
          expect(calls).toBe(1);
          expect(results.map((r) => r.status).sort()).toEqual(["busy", "done"]);
        }
        expect(await allKeys(prisma)).toHaveLength(500);
      } finally {
        await Promise.all(clients.map((c) => c.$disconnect()));
      }
    });
  });
}
