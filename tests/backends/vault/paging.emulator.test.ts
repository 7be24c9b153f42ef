import { afterAll, describe, expect, it } from "vitest";
import { MAX_BACKEND_PAGES } from "../../../lib/backends/page-budget";
import { emulatorsDisabled } from "../../support/emulators";
import {
  backend,
  cleanup,
  document,
  failure,
  guardLoopback,
  root,
  seedMany,
  TENANT,
  targets,
  uniqueBase,
} from "../../support/backends/vault";

guardLoopback();

const BULK = 1_500;
const bulkBase = uniqueBase("bulk");
const keys = Array.from({ length: BULK }, (_, i) => `KEY_${String(i).padStart(5, "0")}`);

describe.skipIf(emulatorsDisabled)("vault paging", () => {
  const t = () => targets()[0];

  it(`lists ${BULK} secrets of one namespace, each exactly once across pages`, async () => {
    await seedMany(
      t(),
      keys.map((k, i) => [`${bulkBase}/acme/bulk/${k}`, { value: String(i) }]),
    );

    const walk = async (b: ReturnType<typeof backend>, namespace: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await b.list({
          tenant: "acme",
          namespace,
          cursor,
          pageSize: 200,
          refresh: pages === 0,
        });
        expect(page.total).toBe(BULK);
        expect(page.items.length).toBeLessThanOrEqual(200);
        seen.push(...page.items.map((s) => s.key));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 100);
      expect(pages).toBe(Math.ceil(BULK / 200));
      expect(seen).toHaveLength(BULK);
      expect(new Set(seen).size).toBe(BULK);
      expect(seen).toEqual(keys);
    };
    // Managed mode: the entries of prefix/acme/bulk/ are namespace bulk's secrets.
    await walk(backend(document(t(), { "secret-path-prefix": bulkBase }, false), TENANT), "bulk");
    // Read-only mode: the same entries, found by the recursive listing under the prefix.
    await walk(backend(document(t(), { "secret-path-prefix": `${bulkBase}/acme/bulk` }, true), TENANT), "any");

    const page = await backend(document(t(), { "secret-path-prefix": bulkBase }, false), TENANT).list({
      tenant: "acme",
      namespace: "bulk",
      search: "key_0149",
      pageSize: 500,
    });
    expect(page.items.map((s) => s.key)).toEqual(Array.from({ length: 10 }, (_, i) => `KEY_0149${i}`));
  }, 300_000);

  it("stops a listing that needs more LIST calls than the budget with 'too many secrets'", async () => {
    const base = uniqueBase("budget");
    // One entry per folder: the recursive listing needs one LIST per folder, plus the prefix itself.
    await seedMany(
      t(),
      Array.from({ length: MAX_BACKEND_PAGES }, (_, i) => [`${base}/f${i}/e`, { value: "x" }]),
    );
    const e = await failure(
      backend(document(t(), { "secret-path-prefix": base }), TENANT).list({
        tenant: "acme",
        namespace: "any",
      }),
    );
    expect(e.code).toBe("too-many-secrets");
    expect(e.message).toContain("Too many secrets");

    // One folder fewer fits.
    await root().delete(`secret/metadata/${base}/f0/e`);
    const page = await backend(document(t(), { "secret-path-prefix": base }), TENANT).list({
      tenant: "acme",
      namespace: "any",
    });
    expect(page.total).toBe(MAX_BACKEND_PAGES - 1);
  }, 120_000);
});

afterAll(async () => {
  if (!emulatorsDisabled) await cleanup(targets()[0]);
});
