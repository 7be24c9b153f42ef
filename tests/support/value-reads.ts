// Test kit: a Secrets tab page view through the real listing pipeline (lib/secrets/namespace-secrets.ts) on one real
// adapter, counting the backend's value reads as the caller sees them on the wire or on the server. Listing must
// read none; "Show subkeys" reads exactly one secret; the next page view shows its names without reading again.
import { expect } from "vitest";
import type { SecretsBackend } from "../../lib/backends/adapter";
import { migrate } from "../../lib/db/migrator";
import { listNamespaceSecrets } from "../../lib/secrets/namespace-secrets";
import { showSubkeys } from "../../lib/secrets/secret-lookup";
import { memoryServing } from "./memory-backend";
import { createTestDatabase } from "./test-db";

let views = 0;

export interface ValueReadsCase {
  backend: SecretsBackend;
  /** Value reads the backend served so far (GetSecretValue, getSecret, AccessSecretVersion, `<mount>/data/…`). */
  valueReads: () => number;
  /** The namespace whose Secrets tab is viewed; it must hold at least 60 secrets. */
  namespace: string;
  /** A row of the first page whose subkeys the list does not know, and the names a read tells. */
  shown: { key: string; subkeys: string[] };
}

/** Runs the page views and asserts the counts; returns the first page's rows for backend-specific checks. */
export async function expectNoValueReadsWhileListing(c: ValueReadsCase) {
  // The real pipeline: the scan fills a secrets index (PGlite), pages come from it.
  const db = await createTestDatabase("pglite");
  await migrate(db.driver);
  const { PrismaClient } = await import("../../lib/db/generated/client");
  const prisma = new PrismaClient({ adapter: db.driver.adapter });
  try {
    return await pageViews(c, prisma);
  } finally {
    await prisma.$disconnect();
    await db.drop();
  }
}

async function pageViews(c: ValueReadsCase, prisma: import("../../lib/db/generated/client").PrismaClient) {
  const tenant = { id: `value-reads-${process.pid}-${++views}`, slug: "acme" };
  const serving = memoryServing({ namespaces: [c.namespace], backends: { [c.namespace]: c.backend } });
  // The first view waits for the first scan (Refresh); later ones are served from the index.
  const view = (refresh = false) =>
    listNamespaceSecrets(prisma, tenant, c.namespace, { pageSize: 50, refresh }, serving);
  const start = c.valueReads();
  const reads = () => c.valueReads() - start;

  const first = await view(true);
  expect(first.errors).toEqual([]);
  expect(first.total).toBeGreaterThanOrEqual(60);
  expect(first.rows).toHaveLength(50);
  expect(reads(), "value reads while listing a page").toBe(0);
  await view(); // a reload
  expect(reads(), "value reads after a reload").toBe(0);
  expect(first.rows.find((r) => r.key === c.shown.key)?.subkeys).toBeNull();

  // Google also answers the latest version it read (metadata, no value): tests/backends/gcp/lifecycle.emulator.test.ts.
  const shown = await showSubkeys(prisma, tenant, c.namespace, c.shown.key, serving);
  expect({ namespace: shown.namespace, subkeys: shown.subkeys }).toEqual({
    namespace: c.namespace,
    subkeys: c.shown.subkeys,
  });
  expect(reads(), "value reads for one 'Show subkeys'").toBe(1);

  const next = await view();
  expect(next.rows.find((r) => r.key === c.shown.key)?.subkeys).toEqual(c.shown.subkeys);
  expect(reads(), "value reads after 'Show subkeys', on the next page view").toBe(1);
  return first.rows;
}
