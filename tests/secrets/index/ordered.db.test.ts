// The list pages of every order read per branch (lib/secrets/index/ordered.ts): keyset paging in update-time and
// namespace order while a refresh runs underneath, and totals and ignored counts kept per revision that stay right
// after a write-through, a delete and a refresh, counting again only when a count can change.
import { beforeEach, describe, expect, it } from "vitest";
import { compareKeys } from "../../../lib/backends/sort";
import type { PrismaClient } from "../../../lib/db/generated/client";
import {
  ignoredCounts,
  listVisible,
  listVisibleMerged,
  type IndexPage,
  type IndexSort,
  type LineageEntry,
  type SourceStamp,
} from "../../../lib/secrets/index/query";
import {
  refreshSource,
  removeEntry,
  sourceState,
  upsertEntry,
  type IndexedSecret,
} from "../../../lib/secrets/index/store";
import { pagesOf, secret, steppedScan } from "../../support/secrets-index";
import { migratedPrisma, TEST_DATABASES } from "../../support/test-db";

const fill = (prisma: PrismaClient, key: string, items: IndexedSecret[]) =>
  refreshSource(prisma, { key, tenantId: "t1", configId: null }, () => pagesOf(items, 250));

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));

async function stampOf(prisma: PrismaClient, key: string): Promise<SourceStamp> {
  const s = (await sourceState(prisma, key))!;
  return { key, served: s.servedGeneration, revision: s.revision, created: s.createdAt };
}

for (const { kind, available } of TEST_DATABASES) {
  describe.skipIf(!available)(`secrets index pages in every order on ${kind}`, () => {
    const database = migratedPrisma(kind, available, { freshEachTest: true });
    let prisma: PrismaClient;
    beforeEach(() => {
      prisma = database.get();
    });

    for (const [sort, dir] of [
      ["updated", "desc"],
      ["updated", "asc"],
      ["namespace", "asc"],
    ] as const) {
      it(`pages through every key exactly once in ${sort} ${dir} order while a refresh runs underneath`, async () => {
        // Stable keys keep their time across the refresh; a fifth have none (-infinity); some share a time.
        const ns = (key: string, i: number) =>
          secret(key, { namespace: "team", updatedAt: i % 5 === 0 ? null : at(i % 700) });
        const stable = Array.from({ length: 2000 }, (_, i) => ns(`KEY_${i}`, i));
        const removed = Array.from({ length: 400 }, (_, i) => ns(`OLD_${i}`, i + 1));
        const added = Array.from({ length: 400 }, (_, i) => ns(`NEW_${i}`, i + 2));
        // A parent's copies of some keys are hidden by the nearer namespace in every order.
        const parent = Array.from({ length: 300 }, (_, i) => secret(`KEY_${i * 6}`, { namespace: "company" }));
        await fill(prisma, "src", [...stable, ...removed]);
        await fill(prisma, "parent", parent);
        const next = [...added, ...stable];
        const pages: IndexedSecret[][] = [];
        for (let i = 0; i < next.length; i += 200) pages.push(next.slice(i, i + 200));
        const scan = steppedScan(pages);
        const refresh = refreshSource(prisma, { key: "src", tenantId: "t1", configId: null }, scan.scan);

        const lineage: LineageEntry[] = [
          { namespace: "team", depth: 0, sourceKey: "src", attachmentNamespace: null },
          { namespace: "company", depth: 1, sourceKey: "parent", attachmentNamespace: null },
        ];
        const seen: { key: string; updatedAt: string | null; source: string }[] = [];
        let cursor: string | null = null;
        let steps = 0;
        do {
          const page: IndexPage = await listVisible(prisma, { tenant: "acme", lineage, sort, dir, cursor, limit: 89 });
          seen.push(...page.rows);
          cursor = page.nextCursor;
          if (steps < pages.length) {
            await scan.step();
            steps++;
          }
        } while (cursor);
        expect((await refresh).status).toBe("done");
        expect(steps).toBe(pages.length);

        const keys = seen.map((r) => r.key);
        expect(new Set(keys).size).toBe(keys.length);
        const count = new Set(keys);
        expect(stable.filter((s) => !count.has(s.key!))).toEqual([]);
        // The parent's hidden copies never show; its own keys (none here beyond the hidden ones) neither.
        expect(seen.filter((r) => r.source === "company")).toEqual([]);
        // One order throughout (the order's own comparison: time, then the key's natural order).
        const time = (r: { updatedAt: string | null }) => (r.updatedAt ? Date.parse(r.updatedAt) : -Infinity);
        const sign = dir === "asc" ? 1 : -1;
        for (let i = 1; i < seen.length; i++) {
          const [a, b] = [seen[i - 1], seen[i]];
          const c = sort === "updated" ? time(a) - time(b) || compareKeys(a.key, b.key) : compareKeys(a.key, b.key);
          expect(sign * c, `${a.key} before ${b.key}`).toBeLessThan(0);
        }
      });
    }

    it("gives every order the full merge's pages, with hidden rows, ties and rows without a time", async () => {
      const own: IndexedSecret[] = [];
      for (let i = 0; i < 30; i++)
        own.push(secret("DUP", { namespace: "team", backendName: `dup/${29 - i}`, updatedAt: at(i % 3) }));
      for (let i = 0; i < 20; i++) own.push(secret("DUP", { backendName: `dup-scope/${i}`, updatedAt: at(5) }));
      for (let i = 0; i < 150; i++)
        own.push(
          secret(`K${i}`, {
            namespace: i % 4 ? "team" : null,
            updatedAt: i % 6 ? at(i % 9) : null,
            tenantTag: i % 11 ? null : "globex",
            tags: { hit: i % 2 ? "yes" : "no" },
          }),
        );
      const parent = Array.from({ length: 120 }, (_, i) =>
        secret(`K${i * 2}`, { namespace: "company", updatedAt: at(i % 4), tags: { hit: "yes" } }),
      );
      await fill(prisma, "own", own);
      await fill(prisma, "parent", parent);
      const lineage: LineageEntry[] = [
        { namespace: "team", depth: 0, sourceKey: "own", attachmentNamespace: "team" },
        { namespace: "company", depth: 1, sourceKey: "parent", attachmentNamespace: null },
      ];
      let pages = 0;
      for (const sort of ["key", "namespace", "updated"] satisfies IndexSort[]) {
        for (const dir of ["asc", "desc"] as const) {
          for (const limit of [7, 50]) {
            for (const search of [undefined, "hit=yes", "k1"]) {
              let cursor: string | null = null;
              do {
                const input = { tenant: "acme", lineage, search, sort, dir, limit, cursor };
                const page: IndexPage = await listVisible(prisma, input);
                expect(page, `${sort} ${dir} ${limit} "${search}" page ${pages}`).toEqual(
                  await listVisibleMerged(prisma, input),
                );
                cursor = page.nextCursor;
                pages++;
              } while (cursor);
            }
          }
        }
      }
      expect(pages).toBeGreaterThan(200);
    }, 240_000);

    it("keeps totals and ignored counts right after a write-through, a delete and a refresh", async () => {
      const items = [
        ...Array.from({ length: 40 }, (_, i) => secret(`K${i}`, { namespace: "team", tags: { env: "prod" } })),
        secret("SKIPPED", { ignored: "missing-key-tag" }),
        secret("THEIRS", { namespace: "team", tenantTag: "globex" }),
      ];
      await fill(prisma, "src", items);
      const lineage: LineageEntry[] = [{ namespace: "team", depth: 0, sourceKey: "src", attachmentNamespace: null }];
      const list = async (search?: string) => {
        const stamps = [await stampOf(prisma, "src")];
        return (await listVisible(prisma, { tenant: "acme", lineage, search, limit: 5, stamps })).total;
      };
      const ignored = async () => ignoredCounts(prisma, "src", "acme", await stampOf(prisma, "src"));
      expect([await list(), await list("env=prod"), await list("k1")]).toEqual([40, 40, 11]);
      expect(await ignored()).toEqual({ "missing-key-tag": 1, "other-tenant": 1 });

      // A new value or description changes no count: the revision stays, the kept totals serve.
      const revision = (await sourceState(prisma, "src"))!.revision;
      expect(await upsertEntry(prisma, "src", { ...items[3], description: "rotated", version: "2" })).toBe(1);
      expect((await sourceState(prisma, "src"))!.revision).toBe(revision);
      expect([await list(), await list("env=prod"), await list("k1")]).toEqual([40, 40, 11]);

      // A changed tag changes a search's total: counted again.
      expect(await upsertEntry(prisma, "src", { ...items[3], tags: { env: "dev" } })).toBe(1);
      expect((await sourceState(prisma, "src"))!.revision).toBe(revision + 1);
      expect([await list(), await list("env=prod"), await list("env=dev")]).toEqual([40, 39, 1]);
      // A new secret, another tenant's, and one the rules skip.
      await upsertEntry(prisma, "src", secret("K100", { namespace: "team", tags: { env: "prod" } }));
      await upsertEntry(prisma, "src", secret("K101", { namespace: "team", tenantTag: "globex" }));
      await upsertEntry(prisma, "src", secret("K102", { namespace: "team", ignored: "invalid-key" }));
      expect([await list(), await list("env=prod"), await list("k1")]).toEqual([41, 40, 12]);
      expect(await ignored()).toEqual({ "missing-key-tag": 1, "invalid-key": 1, "other-tenant": 2 });
      // A secret that becomes another tenant's leaves this tenant's total.
      await upsertEntry(prisma, "src", { ...items[10], tenantTag: "globex" });
      expect([await list(), await list("k1")]).toEqual([40, 11]);
      expect(await ignored()).toEqual({ "missing-key-tag": 1, "invalid-key": 1, "other-tenant": 3 });

      // Deletes.
      expect(await removeEntry(prisma, "src", { key: "K100", namespace: "team" })).toBe(1);
      expect(await removeEntry(prisma, "src", { backendName: items[40].backendName })).toBe(1);
      expect([await list(), await list("env=prod"), await list("k1")]).toEqual([39, 38, 10]);
      expect(await ignored()).toEqual({ "invalid-key": 1, "other-tenant": 3 });
      const merged = await listVisibleMerged(prisma, { tenant: "acme", lineage, limit: 5 });
      expect(merged.total).toBe(39);

      // A refresh serves a new generation: everything is counted from it.
      await fill(prisma, "src", items.slice(0, 5));
      expect([await list(), await list("env=prod"), await list("k1")]).toEqual([5, 5, 1]);
      expect(await ignored()).toEqual({});
    });
  });
}
