// 30,000 secrets in moto listed through the secrets index without "too many secrets" (issue 10): more than the old cap
// of 250 ListSecrets pages (25,000 secrets). The listing is the one the Secrets tab asks for (listNamespaceSecrets):
// its total, and keyset pages of 500 followed to the last one. moto is this file's own, four moto_servers behind one
// loopback endpoint (tests/support/backends/moto-shards.ts): one moto checks each new name against every secret it holds,
// so seeding 30,000 into one took over 10 minutes on the shared 2-core machine; the shared moto is reset between the
// AWS suite's tests anyway.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Attachment } from "../../lib/backends/adapter";
import { parseConfigDocument } from "../../lib/backends/document";
import { createBackend } from "../../lib/backends/registry";
import { runningScans } from "../../lib/secrets/index/freshness";
import { listNamespaceSecrets } from "../../lib/secrets/namespace-secrets";
import { startMotoShards, type MotoShards } from "../support/backends/moto-shards";
import { emulatorsDisabled } from "../support/emulators";
import { memoryServing } from "../support/memory-backend";
import { migratedPrisma, TEST_DATABASES } from "../support/test-db";

const COUNT = 30_000;
const TENANT: Attachment = { tenant: "acme", namespace: null };
const key = (i: number) => `KEY_${String(i).padStart(5, "0")}`;

describe.skipIf(emulatorsDisabled)(`${COUNT.toLocaleString("en")} secrets in moto`, () => {
  let moto: MotoShards;
  beforeAll(async () => {
    moto = await startMotoShards(6);
    const started = performance.now();
    await moto.seed(COUNT, (i) => ({
      name: `scale/${key(i)}`,
      tags: [
        { Key: "namespace", Value: "company" },
        { Key: "key", Value: key(i) },
        { Key: "prefix", Value: "kestra" },
      ],
    }));
    console.log(`[index-scale] seeded ${COUNT} secrets in moto in ${Math.round(performance.now() - started)} ms`);
  }, 1_200_000);
  afterAll(async () => {
    await Promise.all(runningScans());
    await moto?.stop();
  });

  // One database (PostgreSQL when the run has one, else PGlite): the index's SQL runs on both in its own suites, and
  // each scan of 30,000 secrets on moto takes about a minute.
  for (const { kind, available } of [
    TEST_DATABASES.find((d) => d.kind === "postgres" && d.available) ?? TEST_DATABASES[0],
  ]) {
    describe.skipIf(!available)(`on ${kind}`, () => {
      const database = migratedPrisma(kind, available);

      it("lists every one: the total and the last keyset page, no too-many-secrets", async () => {
        const prisma = database.get();
        const parsed = parseConfigDocument(
          {
            type: "aws-secret-manager",
            "read-only": true,
            "aws-secret-manager": {
              region: "us-east-1",
              "endpoint-override": moto.endpoint,
              "access-key-id": "testing",
              "secret-key-id": "testing",
            },
          },
          { unknownKeys: "error" },
        );
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
        const backend = createBackend({ document: parsed.document, attachment: TENANT });
        const serving = memoryServing({ namespaces: ["company"], backends: { "": backend } });
        const tenant = { id: `index-scale-${kind}-${process.pid}`, slug: "acme" };

        const started = performance.now();
        const listCalls = moto.listCalls();
        const refreshed = await listNamespaceSecrets(prisma, tenant, "company", { refresh: true }, serving);
        await Promise.all(runningScans());
        const scanMs = Math.round(performance.now() - started);
        expect(refreshed.errors).toEqual([]);
        // One ListSecrets per page of 100: past the old cap of 250 pages.
        expect(moto.listCalls() - listCalls).toBe(COUNT / 100);

        const keys: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        let total = -1;
        do {
          const page = await listNamespaceSecrets(prisma, tenant, "company", { cursor, pageSize: 500 }, serving);
          expect(page.errors).toEqual([]);
          expect(page.freshness).toMatchObject({ scanning: false });
          total = page.total;
          keys.push(...page.rows.map((r) => r.key));
          cursor = page.nextCursor;
          pages++;
        } while (cursor);
        console.log(`[index-scale] ${kind}: scan ${scanMs} ms, ${pages} list pages`);

        expect(total).toBe(COUNT);
        expect(keys).toHaveLength(COUNT);
        expect(new Set(keys).size).toBe(COUNT);
        expect(pages).toBe(COUNT / 500);
        expect(keys[0]).toBe(key(0));
        expect(keys.at(-1)).toBe(key(COUNT - 1));
        expect(refreshed.ignored).toEqual({});
      }, 600_000);
    });
  }
});
