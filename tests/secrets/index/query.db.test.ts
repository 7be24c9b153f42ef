// The secrets index's lists: ownedBy's visibility in SQL, nearest wins, tenant tags, search and sort equal to the
// in-memory pipeline, keyset paging (also while a refresh runs underneath), cursors, ignored counts.
import { beforeEach, describe, expect, it } from "vitest";
import { compareKeys } from "../../../lib/backends/sort";
import type { PrismaClient } from "../../../lib/db/generated/client";
import { KeyholdError } from "../../../lib/errors";
import { encodeCursor } from "../../../lib/secrets/index/cursor";
import {
  countQuery,
  ignoredCounts,
  listTenantVisible,
  listVisible,
  listVisibleMerged,
  type IndexPage,
  type IndexRow,
  type LineageEntry,
} from "../../../lib/secrets/index/query";
import {
  dropSources,
  refreshSource,
  removeEntry,
  upsertEntry,
  type IndexedSecret,
} from "../../../lib/secrets/index/store";
import { expectedRows, pagesOf, secret, seeded, steppedScan } from "../../support/secrets-index";
import { migratedPrisma, TEST_DATABASES } from "../../support/test-db";

const fill = (prisma: PrismaClient, key: string, items: IndexedSecret[]) =>
  refreshSource(prisma, { key, tenantId: "t1", configId: null }, () => pagesOf(items, 250));

async function everyPage(list: (cursor: string | null) => Promise<IndexPage>): Promise<IndexRow[]> {
  const rows: IndexRow[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 10_000; i++) {
    const page = await list(cursor);
    rows.push(...page.rows);
    cursor = page.nextCursor;
    if (!cursor) return rows;
  }
  throw new Error("the cursor never ended");
}

const brief = (rows: Pick<IndexRow, "key" | "namespace" | "source" | "inherited">[]) =>
  rows.map((r) => `${r.key}@${r.source}${r.inherited ? "^" : ""}${r.namespace === null ? "*" : ""}`);

for (const { kind, available } of TEST_DATABASES) {
  describe.skipIf(!available)(`secrets index lists on ${kind}`, () => {
    const database = migratedPrisma(kind, available, { freshEachTest: true });
    let prisma: PrismaClient;
    beforeEach(() => {
      prisma = database.get();
    });

    it("shows what ownedBy shows: own namespace, attachment scope, tenant tags; nearer hides further up", async () => {
      // A manager attached to company.team, one attached to the tenant, one attached to company.
      await fill(prisma, "team", [
        secret("SHARED", { namespace: "company.team", description: "team's" }),
        secret("TEAM_SCOPED"), // no namespace: company.team's attachment scope
        secret("OTHER_NS", { namespace: "company" }), // not company.team's, and company is served by another source
        secret("OTHER_TENANT", { namespace: "company.team", tenantTag: "globex" }),
        secret("OUR_TENANT", { namespace: "company.team", tenantTag: "acme" }),
        secret("SKIPPED", { namespace: "company.team", ignored: "prefix-mismatch" }),
      ]);
      await fill(prisma, "tenant", [
        secret("SHARED", { namespace: "company", description: "company's" }),
        secret("PARENT_ONLY", { namespace: "company" }),
        secret("TENANT_WIDE"), // the tenant's scope: every namespace
        secret("DUP"),
        secret("DUP", { namespace: "company" }), // own namespace before the attachment scope
        secret("ELSEWHERE", { namespace: "finance" }),
      ]);
      const lineage: LineageEntry[] = [
        { namespace: "company.team", depth: 0, sourceKey: "team", attachmentNamespace: "company.team" },
        { namespace: "company", depth: 1, sourceKey: "tenant", attachmentNamespace: null },
      ];
      const page = await listVisible(prisma, { tenant: "acme", lineage });
      expect(brief(page.rows)).toEqual([
        "DUP@company^",
        "OUR_TENANT@company.team",
        "PARENT_ONLY@company^",
        "SHARED@company.team",
        "TEAM_SCOPED@company.team*",
        "TENANT_WIDE@company^*",
      ]);
      expect(page.rows.find((r) => r.key === "SHARED")).toMatchObject({ description: "team's", sourceKey: "team" });
      expect(page.total).toBe(6);
      expect(page.nextCursor).toBeNull();

      // company.team inherits company's manager: its scope-wide secrets belong to company, seen as inherited.
      await fill(prisma, "company", [secret("CO_SCOPED"), secret("CO_TEAM", { namespace: "company.team" })]);
      const inherited = await listVisible(prisma, {
        tenant: "acme",
        lineage: [
          { namespace: "company.team", depth: 0, sourceKey: "company", attachmentNamespace: "company" },
          { namespace: "company", depth: 1, sourceKey: "company", attachmentNamespace: "company" },
        ],
      });
      expect(brief(inherited.rows)).toEqual(["CO_SCOPED@company^*", "CO_TEAM@company.team"]);

      // The configuration file's backend serves every tenant: only untagged rows and the tenant's own.
      await fill(prisma, "file", [
        secret("FILE_ALL"),
        secret("FILE_ACME", { tenantTag: "acme" }),
        secret("FILE_GLOBEX", { tenantTag: "globex" }),
      ]);
      const file = [{ namespace: "ops", depth: 0, sourceKey: "file", attachmentNamespace: null }];
      expect(brief((await listVisible(prisma, { tenant: "acme", lineage: file })).rows)).toEqual([
        "FILE_ACME@ops*",
        "FILE_ALL@ops*",
      ]);
      expect(brief((await listVisible(prisma, { tenant: "globex", lineage: file })).rows)).toEqual([
        "FILE_ALL@ops*",
        "FILE_GLOBEX@ops*",
      ]);
      expect(await ignoredCounts(prisma, "file", "acme")).toEqual({ "other-tenant": 1 });
      expect(await ignoredCounts(prisma, "team", "acme")).toEqual({ "prefix-mismatch": 1, "other-tenant": 1 });
    });

    it("lists a tenant's namespaces without merging, scope-wide rows once", async () => {
      await fill(prisma, "tenant", [
        secret("A", { namespace: "company" }),
        secret("A", { namespace: "company.team" }),
        secret("WIDE"),
        secret("OTHER", { namespace: "company", tenantTag: "globex" }),
      ]);
      await fill(prisma, "team", [secret("A", { namespace: "company.team" }), secret("TEAM_WIDE")]);
      const page = await listTenantVisible(prisma, {
        tenant: "acme",
        namespaces: [
          { namespace: "company", sourceKey: "tenant", attachmentNamespace: null },
          { namespace: "company.team", sourceKey: "team", attachmentNamespace: "company.team" },
          { namespace: "finance", sourceKey: "tenant", attachmentNamespace: null },
        ],
      });
      expect(brief(page.rows)).toEqual(["A@company", "WIDE@company*", "A@company.team", "TEAM_WIDE@company.team*"]);
      expect(page.rows.every((r) => !r.inherited)).toBe(true);
    });

    it("searches, sorts and pages exactly as the in-memory pipeline, on generated data", async () => {
      const rand = seeded(20261205);
      const namespaces = ["company", "company.team", "company.team.etl", "finance"];
      const keyParts = ["api", "API", "db_", "Db-", "key", "KEY_", "token", "x", "1", "2", "10", "007", "-", ".", "/"];
      const tagKeys = ["env", "team", "Owner", "app"];
      // LIKE's own characters (%, _ and its escape \\) too: a search for them matches them literally.
      const tagValues = ["prod", "Prod", "dev", "core", "a=b", "x1", "10", "50%", "a_b", "c\\d"];
      const sources = new Map<string, IndexedSecret[]>();
      for (const source of ["s-team", "s-tenant", "s-file"]) {
        const items: IndexedSecret[] = [];
        for (let i = 0; i < 700; i++) {
          let key = rand.pick(keyParts.slice(0, 8));
          for (let p = rand.int(4); p > 0; p--) key += rand.pick(keyParts);
          const tags: Record<string, string> = {};
          for (let t = rand.int(3); t > 0; t--) tags[rand.pick(tagKeys)] = rand.pick(tagValues);
          const day = rand.int(5);
          items.push(
            secret(key, {
              backendName: `${source}-${i}`,
              namespace: rand.next() < 0.2 ? null : rand.pick(namespaces),
              tenantTag: rand.pick([null, null, null, "acme", "globex"]),
              tags,
              // Some share a time, some have none: ties fall back to the key.
              updatedAt:
                rand.next() < 0.15 ? null : new Date(Date.UTC(2026, 0, 1 + day, rand.int(2), 0, 0, rand.int(3))),
              ignored: rand.next() < 0.05 ? "missing-key-tag" : null,
            }),
          );
        }
        sources.set(source, items);
        await fill(prisma, source, items);
      }
      const lineages: LineageEntry[][] = [
        [
          { namespace: "company.team.etl", depth: 0, sourceKey: "s-team", attachmentNamespace: "company.team" },
          { namespace: "company.team", depth: 1, sourceKey: "s-team", attachmentNamespace: "company.team" },
          { namespace: "company", depth: 2, sourceKey: "s-tenant", attachmentNamespace: null },
        ],
        [{ namespace: "finance", depth: 0, sourceKey: "s-file", attachmentNamespace: null }],
        [
          { namespace: "company.team", depth: 0, sourceKey: "s-tenant", attachmentNamespace: null },
          { namespace: "company", depth: 1, sourceKey: "s-file", attachmentNamespace: null },
        ],
      ];
      const searches = [
        undefined,
        "key",
        "API_",
        " Db ",
        "env=prod",
        "=",
        "a=b",
        "1",
        "owner=",
        "zzz",
        "%",
        "_",
        "\\",
        "a_b",
        "0%",
        "c\\d",
      ];
      let compared = 0;
      let probed = 0;
      for (const lineage of lineages) {
        for (const sort of ["key", "namespace", "updated"] as const) {
          for (const dir of ["asc", "desc"] as const) {
            for (const search of searches) {
              const expected = expectedRows(sources, "acme", lineage, null, { search, sort, dir });
              const limit = 1 + rand.int(120);
              const rows = await everyPage((cursor) =>
                listVisible(prisma, { tenant: "acme", lineage, search, sort, dir, cursor, limit }),
              );
              expect(brief(rows), `${sort} ${dir} "${search}"`).toEqual(brief(expected));
              expect(rows.map((r) => r.backendName)).toEqual(expected.map((r) => r.backendName));
              const first = await listVisible(prisma, { tenant: "acme", lineage, search, sort, dir, limit });
              expect(first.total).toBe(expected.length);
              if (sort === "key" && dir === "asc") {
                // The total above: the matching keys probed first, then only their rows merged (up to 1,000 matching
                // rows); the one statement used beyond that counts the same.
                const [one] = await prisma.$queryRaw<{ total: bigint | number }[]>(
                  countQuery({ tenant: "acme", lineage, search }),
                );
                expect(Number(one.total), `one statement "${search}"`).toBe(expected.length);
                if (search && expected.length > 0 && expected.length < 1000) probed++;
              }
              compared += expected.length;
            }
          }
        }
      }
      expect(compared).toBeGreaterThan(10_000); // the data is not trivially empty
      expect(probed).toBeGreaterThan(3); // searches counted by the probe's keys

      const tenantWide = namespaces.map((namespace) => ({
        namespace,
        sourceKey: namespace.startsWith("company.team") ? "s-team" : "s-tenant",
        attachmentNamespace: namespace.startsWith("company.team") ? "company.team" : null,
      }));
      for (const sort of ["namespace", "key", "updated"] as const) {
        for (const search of [undefined, "key", "env=prod"]) {
          const expected = expectedRows(sources, "acme", null, tenantWide, { search, sort });
          const rows = await everyPage((cursor) =>
            listTenantVisible(prisma, { tenant: "acme", namespaces: tenantWide, search, sort, cursor, limit: 53 }),
          );
          // Rows the pipeline's comparator calls equal may come in any order: compare what it sees, then the sets.
          const seen = (r: Pick<IndexRow, "source" | "key" | "updatedAt">) =>
            sort === "namespace" ? `${r.source}|${r.key}` : sort === "key" ? r.key : `${r.updatedAt}|${r.key}`;
          expect(rows.map(seen)).toEqual(expected.map(seen));
          expect(rows.map((r) => `${r.sourceKey}/${r.backendName}@${r.source}`).sort()).toEqual(
            expected.map((r) => `${r.sourceKey}/${r.backendName}@${r.source}`).sort(),
          );
        }
      }
    }, 240_000); // thousands of pages compared, each against the in-memory pipeline

    it("gives listVisible the full merge's pages, also when one key has hundreds of rows", async () => {
      const own: IndexedSecret[] = [];
      const parent: IndexedSecret[] = [];
      for (let i = 0; i < 40; i++) own.push(secret("DUP", { namespace: "company.team", backendName: `dup/${39 - i}` }));
      for (let i = 0; i < 5; i++) own.push(secret("DUP", { backendName: `dup-scope/${i}`, tags: { hit: "yes" } }));
      for (let i = 0; i < 700; i++) own.push(secret("HUGE", { namespace: "company.team", backendName: `huge/${i}` }));
      for (let i = 0; i < 200; i++) {
        const key = `K${String(i).padStart(3, "0")}`;
        if (i % 3) own.push(secret(key, { namespace: "company.team", tenantTag: i % 7 ? null : "globex" }));
        // Only the hidden row of an even key matches `hit=yes`: the search must not show it.
        parent.push(secret(key, { namespace: "company", tags: i % 2 ? {} : { hit: "yes" } }));
      }
      for (let i = 0; i < 100; i++) parent.push(secret(`P${i}`, i % 2 ? { namespace: "company" } : {}));
      parent.push(secret("DUP", { namespace: "company", tags: { hit: "yes" } }));
      await fill(prisma, "own", own);
      await fill(prisma, "parent", parent);
      const lineage: LineageEntry[] = [
        { namespace: "company.team", depth: 0, sourceKey: "own", attachmentNamespace: "company.team" },
        { namespace: "company", depth: 1, sourceKey: "parent", attachmentNamespace: null },
      ];
      let pages = 0;
      for (const limit of [1, 2, 7, 50]) {
        for (const search of [undefined, "hit=yes", "dup", "k1", "p9", "zzz"]) {
          let cursor: string | null = null;
          do {
            const input = { tenant: "acme", lineage, search, limit, cursor };
            const fast: IndexPage = await listVisible(prisma, input);
            expect(fast, `limit ${limit} "${search}" page ${pages}`).toEqual(await listVisibleMerged(prisma, input));
            cursor = fast.nextCursor;
            pages++;
          } while (cursor);
        }
      }
      expect(pages).toBeGreaterThan(500);
      const first = await listVisible(prisma, { tenant: "acme", lineage, limit: 3 });
      expect(brief(first.rows)).toEqual(["DUP@company.team", "HUGE@company.team", "K000@company^"]);
      expect(first.rows[0].backendName).toBe("dup/0");

      // Totals are kept per source revision: a write-through counts again, with or without a search.
      const input = { tenant: "acme", lineage, limit: 3 };
      const searched = { ...input, search: "new" };
      expect((await listVisible(prisma, searched)).total).toBe(0);
      expect(await upsertEntry(prisma, "parent", secret("NEW", { namespace: "company" }))).toBe(1);
      expect((await listVisible(prisma, input)).total).toBe(first.total + 1);
      expect((await listVisible(prisma, searched)).total).toBe(1);
      expect(await removeEntry(prisma, "own", { key: "HUGE", namespace: "company.team" })).toBe(700);
      expect(await listVisible(prisma, input)).toEqual(await listVisibleMerged(prisma, input));
      expect((await listVisible(prisma, input)).total).toBe(first.total);
      await fill(prisma, "own", [secret("ONLY", { namespace: "company.team" })]);
      expect((await listVisible(prisma, input)).total).toBe((await listVisibleMerged(prisma, input)).total);

      // A source dropped and filled again starts over at generation 1, revision 0: its creation time tells them apart.
      const solo = { tenant: "acme", lineage: [{ ...lineage[1], sourceKey: "solo" }] };
      await fill(prisma, "solo", [secret("ONE"), secret("TWO")]);
      expect((await listVisible(prisma, solo)).total).toBe(2);
      await dropSources(prisma, { key: "solo" });
      await fill(prisma, "solo", [secret("ONE"), secret("TWO"), secret("THREE")]);
      expect((await listVisible(prisma, solo)).total).toBe(3);
    }, 240_000); // over 500 pages, each read twice

    it("pages through every key exactly once while a refresh adds and removes secrets underneath", async () => {
      const ns = (key: string) => secret(key, { namespace: "team" });
      const stable = Array.from({ length: 3000 }, (_, i) => ns(`KEY_${i}`));
      const removed = Array.from({ length: 500 }, (_, i) => ns(`OLD_${i}`));
      const added = Array.from({ length: 500 }, (_, i) => ns(`NEW_${i}`));
      await fill(prisma, "src", [...stable, ...removed]);
      const next = [...added, ...stable];
      const pages: IndexedSecret[][] = [];
      for (let i = 0; i < next.length; i += 300) pages.push(next.slice(i, i + 300));
      const scan = steppedScan(pages);
      const refresh = refreshSource(prisma, { key: "src", tenantId: "t1", configId: null }, scan.scan);

      const lineage = [{ namespace: "team", depth: 0, sourceKey: "src", attachmentNamespace: null }];
      const seen: string[] = [];
      let cursor: string | null = null;
      let steps = 0;
      do {
        const page: IndexPage = await listVisible(prisma, { tenant: "acme", lineage, cursor, limit: 97 });
        seen.push(...page.rows.map((r) => r.key));
        cursor = page.nextCursor;
        if (steps < pages.length) {
          await scan.step();
          steps++;
        }
      } while (cursor);
      expect((await refresh).status).toBe("done");
      expect(steps).toBe(pages.length); // the refresh finished while paging: later pages read the new generation

      expect(new Set(seen).size).toBe(seen.length);
      const count = new Map(seen.map((k) => [k, 1]));
      expect(stable.filter((s) => count.get(s.key!) !== 1)).toEqual([]);
      expect([...seen].sort(compareKeys)).toEqual(seen); // one order throughout
      // KEY_ < NEW_ < OLD_: the refresh finished while the pages were still in KEY_, so the rest is the new generation.
      expect(seen.filter((k) => k.startsWith("NEW_")).length).toBe(500);
      expect(seen.filter((k) => k.startsWith("OLD_"))).toEqual([]);
    });

    it("refuses a cursor it did not make as invalid input, and treats cursor values as data", async () => {
      await fill(prisma, "src", [secret("A"), secret("B"), secret("C")]);
      const lineage = [{ namespace: "team", depth: 0, sourceKey: "src", attachmentNamespace: null }];
      const list = (cursor: string, sort: "key" | "updated" = "key") =>
        listVisible(prisma, { tenant: "acme", lineage, cursor, sort, limit: 1 });
      const first = await listVisible(prisma, { tenant: "acme", lineage, limit: 1 });
      expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
      const bad = [
        "!!!",
        "not-json",
        Buffer.from('{"s":"key","d":"asc","v":[1,2,3]}').toString("base64url"),
        encodeCursor({ sort: "key", dir: "asc", values: ["a", "b"] }),
        encodeCursor({ sort: "updated", dir: "asc", values: ["yesterday", "a", "b", "c"] }),
        first.nextCursor!.slice(0, -3),
      ];
      for (const cursor of bad) {
        const error = await list(cursor).catch((e: unknown) => e);
        expect(error, cursor).toBeInstanceOf(KeyholdError);
        expect((error as KeyholdError).code).toBe("invalid-input");
      }
      // Made for another order.
      await expect(list(first.nextCursor!, "updated")).rejects.toMatchObject({ code: "invalid-input" });
      // Values are parameters: text that looks like SQL only moves the keyset.
      const sly = encodeCursor({ sort: "key", dir: "asc", values: [`' OR 1=1 --`, `"); DROP TABLE x; --`, "z"] });
      expect((await list(sly)).rows.map((r) => r.key)).toEqual(["A"]);
      expect((await list(first.nextCursor!)).rows.map((r) => r.key)).toEqual(["B"]);
    });
  });
}
