// The Secrets tab's lifecycle filters and the overview's counts in SQL: expires within 30 days (expired included),
// disabled, not changed for 90 days (an unknown time never is), nearest-wins before filtering, keyset paging through
// a filtered list in both orders, write-through keeping the columns, per-namespace counts of the tenant.
import { beforeEach, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../../lib/db/generated/client";
import { lifecycleCounts, type LifecycleFilter } from "../../../lib/secrets/index/lifecycle";
import { listVisible, type IndexPage, type LineageEntry } from "../../../lib/secrets/index/query";
import { refreshSource, upsertEntry, type IndexedSecret } from "../../../lib/secrets/index/store";
import { pagesOf, secret } from "../../support/secrets-index";
import { migratedPrisma, TEST_DATABASES } from "../../support/test-db";

const NOW = new Date("2026-12-05T12:00:00Z");
const DAY = 86_400_000;
const at = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();

const fill = (prisma: PrismaClient, key: string, items: IndexedSecret[]) =>
  refreshSource(prisma, { key, tenantId: "t1", configId: null }, () => pagesOf(items, 3));

const lineage: LineageEntry[] = [
  { namespace: "company.team", depth: 0, sourceKey: "team", attachmentNamespace: "company.team" },
  { namespace: "company", depth: 1, sourceKey: "tenant", attachmentNamespace: null },
];

async function keys(
  prisma: PrismaClient,
  filter: LifecycleFilter | null,
  more: { sort?: "key" | "updated"; dir?: "asc" | "desc"; limit?: number } = {},
): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const page: IndexPage = await listVisible(prisma, { tenant: "acme", lineage, filter, now: NOW, cursor, ...more });
    out.push(...page.rows.map((r) => r.key));
    cursor = page.nextCursor;
    if (!cursor) return out;
  }
  throw new Error("the cursor never ended");
}

for (const { kind, available } of TEST_DATABASES) {
  describe.skipIf(!available)(`lifecycle filters on ${kind}`, () => {
    const database = migratedPrisma(kind, available, { freshEachTest: true });
    let prisma: PrismaClient;
    beforeEach(async () => {
      prisma = database.get();
      await fill(prisma, "team", [
        secret("EXPIRES_SOON", { namespace: "company.team", updatedAt: at(-1), lifecycle: { expiresAt: at(10) } }),
        secret("EXPIRED", { namespace: "company.team", updatedAt: at(-200), lifecycle: { expiresAt: at(-3) } }),
        secret("EXPIRES_LATER", { namespace: "company.team", updatedAt: at(-2), lifecycle: { expiresAt: at(45) } }),
        secret("OFF", { namespace: "company.team", updatedAt: at(-5), lifecycle: { enabled: false } }),
        secret("ON", { namespace: "company.team", updatedAt: at(-5), lifecycle: { enabled: true } }),
        secret("OLD", { namespace: "company.team", updatedAt: at(-91) }),
        secret("UNKNOWN_AGE", { namespace: "company.team", updatedAt: null }),
        // Hides the parent's stale SHARED below: the filter applies to what the namespace sees.
        secret("SHARED", { namespace: "company.team", updatedAt: at(-1) }),
      ]);
      await fill(prisma, "tenant", [
        secret("SHARED", { namespace: "company", updatedAt: at(-400) }),
        secret("PARENT_OLD", { namespace: "company", updatedAt: at(-120), lifecycle: { enabled: false } }),
        secret("PARENT_NEW", { namespace: "company", updatedAt: at(-1) }),
      ]);
    });

    it("selects what each filter names, in the namespace's merged view", async () => {
      expect(await keys(prisma, "expiring")).toEqual(["EXPIRED", "EXPIRES_SOON"]);
      expect(await keys(prisma, "disabled")).toEqual(["OFF", "PARENT_OLD"]);
      expect(await keys(prisma, "stale")).toEqual(["EXPIRED", "OLD", "PARENT_OLD"]);
      expect((await keys(prisma, null)).length).toBe(10);
    });

    it("pages a filtered list by keyset, sorted by key or by last changed either way", async () => {
      expect(await keys(prisma, "stale", { limit: 1 })).toEqual(["EXPIRED", "OLD", "PARENT_OLD"]);
      expect(await keys(prisma, "stale", { sort: "updated", dir: "asc", limit: 2 })).toEqual([
        "EXPIRED",
        "PARENT_OLD",
        "OLD",
      ]);
      expect(await keys(prisma, "stale", { sort: "updated", dir: "desc", limit: 1 })).toEqual([
        "OLD",
        "PARENT_OLD",
        "EXPIRED",
      ]);
      const first = await listVisible(prisma, { tenant: "acme", lineage, filter: "expiring", now: NOW, limit: 1 });
      expect(first.total).toBe(2);
      expect(first.rows[0]).toMatchObject({ key: "EXPIRED", expiresAt: at(-3), enabled: null });
    });

    it("keeps the lifecycle columns through a write-through upsert", async () => {
      await upsertEntry(
        prisma,
        "team",
        secret("NEW_CERT", { namespace: "company.team", updatedAt: at(0), lifecycle: { expiresAt: at(2) } }),
      );
      expect(await keys(prisma, "expiring")).toEqual(["EXPIRED", "EXPIRES_SOON", "NEW_CERT"]);
    });

    it("counts each namespace's own secrets for the tenant overview", async () => {
      const counts = await lifecycleCounts(
        prisma,
        {
          tenant: "acme",
          namespaces: [
            { namespace: "company", sourceKey: "tenant", attachmentNamespace: null },
            { namespace: "company.team", sourceKey: "team", attachmentNamespace: "company.team" },
          ],
        },
        NOW,
      );
      expect(Object.fromEntries(counts)).toEqual({
        company: { expiring: 0, disabled: 1, stale: 2 },
        "company.team": { expiring: 2, disabled: 1, stale: 2 },
      });
    });
  });
}
