// Benchmark: the secrets index's list queries at scale, on PGlite and (with KEYHOLD_TEST_PG_URL, an admin URL)
// PostgreSQL. Fills one source with N secrets in one namespace (and a parent with a few), then prints medians for
// the first page, a search, a later keyset page and the other orders, and PostgreSQL's plan of the first page.
//   npx tsx --conditions=react-server scripts/bench/secrets-index.ts [--rows 50000] [--runs 9] [--postgres-only] [--explain]
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { openDriver, type Driver } from "../../lib/db/driver";
import { PrismaClient } from "../../lib/db/generated/client";
import { migrate } from "../../lib/db/migrator";
import { encodeCursor } from "../../lib/secrets/index/cursor";
import {
  countQuery,
  listVisible,
  listVisibleMerged,
  orderedPageQuery,
  type LineageEntry,
} from "../../lib/secrets/index/query";
import { sortKey } from "../../lib/secrets/index/sort-key";
import { refreshSource, upsertEntry, type IndexedSecret } from "../../lib/secrets/index/store";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROWS = arg("rows", 50_000);
const RUNS = arg("runs", 9);
const PG_URL = process.env.KEYHOLD_TEST_PG_URL?.trim();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const LINEAGE: LineageEntry[] = [
  { namespace: "company.team", depth: 0, sourceKey: "bench:team", attachmentNamespace: "company.team" },
  { namespace: "company", depth: 1, sourceKey: "bench:tenant", attachmentNamespace: null },
];

async function* pages(n: number, namespace: string, prefix: string): AsyncIterable<IndexedSecret[]> {
  const size = 1000;
  for (let start = 0; start < n; start += size) {
    yield Array.from({ length: Math.min(size, n - start) }, (_, j) => {
      const i = start + j;
      return {
        backendName: `${prefix}/${i}`,
        key: `${prefix}_${i}`,
        namespace,
        tenantTag: i % 10 === 0 ? "acme" : null,
        description: `secret number ${i}`,
        tags: { env: ["prod", "dev", "test"][i % 3], team: `t${i % 37}`, kestra: "managed" },
        subkeys: null,
        updatedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000),
        version: String(i % 5),
        ignored: null,
      };
    });
  }
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

// A list right after a write-through: its total is counted again (the write bumped the source's revision).
async function timeAfterWrite(prisma: PrismaClient, fn: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    if ((await upsertEntry(prisma, "bench:tenant", { ...PARENT_0, description: `write ${i}` })) !== 1)
      throw new Error("no write");
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

const PARENT_0: IndexedSecret = {
  backendName: "PARENT/0",
  key: "PARENT_0",
  namespace: "company",
  tenantTag: null,
  description: null,
  tags: {},
  subkeys: null,
  updatedAt: null,
  version: null,
  ignored: null,
};

async function bench(kind: string, driver: Driver) {
  await migrate(driver);
  const prisma = new PrismaClient({ adapter: driver.adapter });
  try {
    let t = performance.now();
    await refreshSource(prisma, { key: "bench:team", tenantId: null, configId: null }, () =>
      pages(ROWS, "company.team", "KEY"),
    );
    const fillMs = performance.now() - t;
    await refreshSource(prisma, { key: "bench:tenant", tenantId: null, configId: null }, () =>
      pages(200, "company", "PARENT"),
    );
    if (driver.kind === "postgres") await driver.exec(`ANALYZE "SecretIndexEntry"; ANALYZE "SecretIndexSource"`);
    const base = { tenant: "acme", lineage: LINEAGE, limit: 50 };
    const later = encodeCursor({
      sort: "key",
      dir: "asc",
      values: [sortKey(`KEY_${Math.floor(ROWS / 2)}`), "bench:team", `KEY/${Math.floor(ROWS / 2)}`],
    });
    const first = await listVisible(prisma, base);
    if (first.total !== ROWS + 200) throw new Error(`expected ${ROWS + 200} rows, got ${first.total}`);
    const merged = await listVisibleMerged(prisma, base);
    if (JSON.stringify(merged) !== JSON.stringify(first)) throw new Error("the page differs from the full merge's");
    for (const sort of ["updated", "namespace"] as const) {
      const input = { ...base, sort, dir: "desc" as const };
      if (JSON.stringify(await listVisible(prisma, input)) !== JSON.stringify(await listVisibleMerged(prisma, input)))
        throw new Error(`the ${sort} order differs from the full merge's`);
    }
    const updatedLater = (await listVisible(prisma, { ...base, sort: "updated", dir: "desc", limit: 5000 })).nextCursor;
    let newKey = 11;
    const figures: [string, number][] = [
      ["first page (key)", await time(() => listVisible(prisma, base))],
      ["search 'key_4' (key)", await time(() => listVisible(prisma, { ...base, search: "key_4" }))],
      ["search 'team=t3' (key)", await time(() => listVisible(prisma, { ...base, search: "team=t3" }))],
      ["later keyset page (key)", await time(() => listVisible(prisma, { ...base, cursor: later }))],
      ["first page after a write", await timeAfterWrite(prisma, () => listVisible(prisma, base))],
      ["search after a write", await timeAfterWrite(prisma, () => listVisible(prisma, { ...base, search: "key_4" }))],
      ["first page (updated desc)", await time(() => listVisible(prisma, { ...base, sort: "updated", dir: "desc" }))],
      ["first page (namespace)", await time(() => listVisible(prisma, { ...base, sort: "namespace" }))],
      [
        "later page (updated desc)",
        await time(() => listVisible(prisma, { ...base, sort: "updated", dir: "desc", cursor: updatedLater })),
      ],
      [
        "search 'key_4' (updated desc)",
        await time(() => listVisible(prisma, { ...base, sort: "updated", dir: "desc", search: "key_4" })),
      ],
      ["search one key (key)", await time(() => listVisible(prisma, { ...base, search: `key_${ROWS - 7}` }))],
      // What a user typing sees: a needle not asked before, so its total is counted too (totals are kept per search).
      [
        "search a new key each time",
        await time(() => listVisible(prisma, { ...base, search: `key_${ROWS - newKey++}` })),
      ],
      ["search matching nothing, new", await time(() => listVisible(prisma, { ...base, search: `t${newKey++ % 7}x` }))],
    ];
    console.log(`\n${kind}: ${ROWS} rows in company.team (+200 in company); fill ${(fillMs / 1000).toFixed(1)} s`);
    for (const [name, ms] of figures) console.log(`  ${name.padEnd(28)} ${ms.toFixed(1)} ms (median of ${RUNS})`);
    if (process.argv.includes("--explain")) {
      t = performance.now();
      for (const [name, sql] of [
        ["page", orderedPageQuery(base)!],
        ["updated desc page", orderedPageQuery({ ...base, sort: "updated", dir: "desc" })!],
        ["count", countQuery(base)],
        ["search count", countQuery({ ...base, search: "key_4" })],
        ["new key search page", orderedPageQuery({ ...base, search: `key_${ROWS - 3}` })!],
        ["new key search count", countQuery({ ...base, search: `key_${ROWS - 3}` })],
      ] as const) {
        const plan = await prisma.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
          `EXPLAIN (ANALYZE, BUFFERS) ${sql.text}`,
          ...sql.values,
        );
        console.log(`\n  EXPLAIN ANALYZE (${name} query, first page):`);
        for (const row of plan) console.log(`    ${row["QUERY PLAN"]}`);
      }
    }
  } finally {
    await prisma.$disconnect();
  }
}

const dir = mkdtempSync(path.join(tmpdir(), "keyhold-bench-index-"));
try {
  if (!process.argv.includes("--postgres-only")) await bench("PGlite", openDriver({ dataDir: dir }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (PG_URL) {
  const name = `keyhold_bench_${randomBytes(4).toString("hex")}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const driver = openDriver({ databaseUrl: url.toString(), dataDir: tmpdir() });
  try {
    await bench("PostgreSQL", driver);
  } finally {
    await driver.close();
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}
