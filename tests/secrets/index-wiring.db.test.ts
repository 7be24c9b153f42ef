// The listing pipeline on the secrets index: first scan, write-through, a failing refresh keeping the previous rows,
// stale-while-revalidate, and 50 concurrent lists on a stale source causing one scan.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BackendError } from "../../lib/backends/backend-error";
import type { PrismaClient } from "../../lib/db/generated/client";
import { migrate } from "../../lib/db/migrator";
import { listNamespaceSecrets } from "../../lib/secrets/namespace-secrets";
import { showSubkeys } from "../../lib/secrets/secret-lookup";
import { runningScans } from "../../lib/secrets/index/freshness";
import { memoryBackend, memoryServing } from "../support/memory-backend";
import { createTestDatabase, TEST_DATABASES, type TestDatabase } from "../support/test-db";

const tenant = { id: "t-wiring", slug: "acme" };
const idle = () => Promise.all(runningScans());

for (const { kind, available } of TEST_DATABASES) {
  describe.skipIf(!available)(`listing through the secrets index on ${kind}`, () => {
    let db: TestDatabase;
    let prisma: PrismaClient;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
      const { PrismaClient } = await import("../../lib/db/generated/client");
      prisma = new PrismaClient({ adapter: db.driver.adapter });
    });
    afterAll(async () => {
      await idle();
      await prisma?.$disconnect();
      await db?.drop();
    });
    beforeEach(async () => {
      await idle();
      await db.reset();
      await migrate(db.driver);
    });

    it("fills the index on the first view, inherits, and says how fresh it is", async () => {
      const parent = memoryBackend({
        secrets: [
          { namespace: "company", key: "SHARED", value: "p" },
          { namespace: "company", key: "PARENT_ONLY", value: "p" },
        ],
        ignored: { "missing-key-tag": 2 },
      });
      const child = memoryBackend({ secrets: [{ namespace: "company.team", key: "SHARED", value: "c" }] });
      const serving = memoryServing({
        namespaces: ["company", "company.team"],
        backends: { company: parent, "company.team": child },
      });
      const list = await listNamespaceSecrets(prisma, tenant, "company.team", {}, serving);
      expect(list.rows.map((r) => [r.key, r.source, r.inherited])).toEqual([
        ["PARENT_ONLY", "company", true],
        ["SHARED", "company.team", false],
      ]);
      expect(list.total).toBe(2);
      expect(list.freshness.scanning).toBe(false);
      expect(list.freshness.asOf).not.toBeNull();
      expect((await listNamespaceSecrets(prisma, tenant, "company", {}, serving)).ignored).toEqual({
        "missing-key-tag": 2,
      });
      expect(JSON.stringify(list)).not.toContain('"p"');
    });

    it("pages by cursor, forwards and back, each key once", async () => {
      const backend = memoryBackend({
        secrets: Array.from({ length: 25 }, (_, i) => ({ namespace: "ns", key: `K${i}`, value: "x" })),
      });
      const serving = memoryServing({ namespaces: ["ns"], backends: { ns: backend } });
      const seen: string[] = [];
      let cursor: string | null = null;
      const pages = [];
      do {
        const page = await listNamespaceSecrets(prisma, tenant, "ns", { cursor, pageSize: 10 }, serving);
        pages.push(page);
        seen.push(...page.rows.map((r) => r.key));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `K${i}`));
      const back = await listNamespaceSecrets(
        prisma,
        tenant,
        "ns",
        { cursor: pages[2].prevCursor, pageSize: 10 },
        serving,
      );
      expect(back.rows.map((r) => r.key)).toEqual(pages[1].rows.map((r) => r.key));
      const first = await listNamespaceSecrets(
        prisma,
        tenant,
        "ns",
        { cursor: back.prevCursor, pageSize: 10 },
        serving,
      );
      expect(first.rows.map((r) => r.key)).toEqual(pages[0].rows.map((r) => r.key));
      expect(first.prevCursor).toBeNull();
    });

    it("pages forwards and back alike in every order: namespace and update time, either direction", async () => {
      const parent = memoryBackend({
        secrets: Array.from({ length: 9 }, (_, i) => ({
          namespace: "p",
          key: `P${i}`,
          value: "x",
          updatedAt: i % 3 ? `2026-01-0${1 + (i % 5)}T10:00:00.000Z` : null,
        })),
      });
      const child = memoryBackend({
        secrets: Array.from({ length: 8 }, (_, i) => ({
          namespace: "p.c",
          key: `C${i}`,
          value: "x",
          updatedAt: `2026-01-0${1 + (i % 4)}T12:00:00.000Z`,
        })),
      });
      const serving = memoryServing({ namespaces: ["p", "p.c"], backends: { p: parent, "p.c": child } });
      for (const sort of ["key", "namespace", "updated"] as const)
        for (const dir of ["asc", "desc"] as const) {
          const q = { sort, dir, pageSize: 4 };
          const forward: string[][] = [];
          let page = await listNamespaceSecrets(prisma, tenant, "p.c", q, serving);
          forward.push(page.rows.map((r) => r.key));
          while (page.nextCursor) {
            page = await listNamespaceSecrets(prisma, tenant, "p.c", { ...q, cursor: page.nextCursor }, serving);
            forward.push(page.rows.map((r) => r.key));
          }
          expect(forward.flat().sort(), `${sort} ${dir}`).toHaveLength(17);
          expect(new Set(forward.flat()).size).toBe(17);
          const backward: string[][] = [page.rows.map((r) => r.key)];
          while (page.prevCursor) {
            page = await listNamespaceSecrets(prisma, tenant, "p.c", { ...q, cursor: page.prevCursor }, serving);
            backward.unshift(page.rows.map((r) => r.key));
          }
          expect(backward, `${sort} ${dir}`).toEqual(forward);
        }
    });

    it("a failing refresh keeps the previous rows and carries the error", async () => {
      const backend = memoryBackend({ secrets: [{ namespace: "ns", key: "KEEP", value: "x" }] });
      const serving = memoryServing({ namespaces: ["ns"], backends: { ns: backend } });
      await listNamespaceSecrets(prisma, tenant, "ns", {}, serving);
      const failing = Object.assign(backend, {
        async *scan() {
          throw new BackendError("throttled" as never, "Rate exceeded");
        },
      });
      void failing;
      const after = await listNamespaceSecrets(prisma, tenant, "ns", { refresh: true }, serving);
      expect(after.rows.map((r) => r.key)).toEqual(["KEEP"]);
      expect(after.errors).toEqual([{ namespace: "ns", code: "throttled", message: "Rate exceeded" }]);
    });

    it("serves a stale index at once and refreshes it once for 50 concurrent lists", async () => {
      const backend = memoryBackend({ secrets: [{ namespace: "ns", key: "OLD", value: "x" }] });
      const serving = memoryServing({ namespaces: ["ns"], backends: { ns: backend }, ttlMs: 50 });
      await listNamespaceSecrets(prisma, tenant, "ns", {}, serving);
      await idle();
      backend.secrets.push({ namespace: "ns", key: "NEW", value: "y" });
      await new Promise((r) => setTimeout(r, 80));
      const scansBefore = backend.calls.filter((c) => c === "scan").length;
      // The refresh the lists start stays running until released: each list must answer without waiting for it.
      let release!: () => void;
      backend.hold = new Promise<void>((r) => (release = r));
      const lists = await Promise.all(
        Array.from({ length: 50 }, () => listNamespaceSecrets(prisma, tenant, "ns", {}, serving)),
      );
      // Served at once from the index as it was.
      expect(lists.every((l) => l.rows.map((r) => r.key).join() === "OLD")).toBe(true);
      release();
      await idle();
      expect(backend.calls.filter((c) => c === "scan").length - scansBefore).toBe(1);
      const later = await listNamespaceSecrets(prisma, tenant, "ns", {}, serving);
      expect(later.rows.map((r) => r.key)).toEqual(["NEW", "OLD"]);
    });

    it("keeps names asked with Show subkeys in the index: the next view reads nothing", async () => {
      const backend = memoryBackend({ secrets: [{ namespace: "ns", key: "api", value: '{"user":"u","token":"t"}' }] });
      const serving = memoryServing({ namespaces: ["ns"], backends: { ns: backend } });
      expect((await listNamespaceSecrets(prisma, tenant, "ns", {}, serving)).rows[0].subkeys).toBeNull();
      expect(await showSubkeys(prisma, tenant, "ns", "api", serving)).toEqual({
        namespace: "ns",
        subkeys: ["token", "user"],
      });
      const reads = backend.calls.filter((c) => c.startsWith("subkeys")).length;
      expect((await listNamespaceSecrets(prisma, tenant, "ns", {}, serving)).rows[0].subkeys).toEqual([
        "token",
        "user",
      ]);
      expect(backend.calls.filter((c) => c.startsWith("subkeys")).length).toBe(reads);
    });
  });
}
