// Benchmark: a refresh of the secrets index from moto against the SDK loop. On a moto of its own with --count secrets
// and a PGlite database (or PostgreSQL: --database-url), alternately: a refresh through the adapter's scan (the next
// ListSecrets page is asked while the current one is written), a refresh through the same pages asked one after the
// other (fetch, write, fetch…), and the bare SDK loop (no index). A refresh is timed until its first page is served
// (the list asked right after it, as the Refresh route does). With --before <module>, also a refresh through that
// module's refreshSource (a copy of an earlier lib/secrets/index/store.ts, to compare the write path side by side).
// With --latency-ms N, Toxiproxy holds each of moto's answers back N ms, for both (pages as slow as a network's).
//   npx tsx --conditions=react-server scripts/bench/scan-overlap.ts [--count 5000] [--database-url postgres://…] [--before ./lib/secrets/index/store-before.ts] [--runs 5] [--latency-ms 20]
import diagnostics from "node:diagnostics_channel";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ListSecretsCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { IndexedSecret } from "../../lib/backends/adapter";
import { createAwsDriver } from "../../lib/backends/aws/driver";
import { createAwsBackend } from "../../lib/backends/aws/adapter";
import { classify } from "../../lib/backends/classify";
import { PageBudget } from "../../lib/backends/page-budget";
import { selectionRules } from "../../lib/backends/tagged-adapter";
import { openDriver } from "../../lib/db/driver";
import { PrismaClient } from "../../lib/db/generated/client";
import { migrate } from "../../lib/db/migrator";
import { listVisible, type LineageEntry } from "../../lib/secrets/index/query";
import { refreshSource, settleIndexWrites } from "../../lib/secrets/index/store";
import { seedMany, startOwnMoto } from "../../tests/support/backends/moto-own";
import { arg, median, postgresPids, processCpuMs, withLatency } from "./bench-kit";

const COUNT = Number(arg("count", "5000"));
const RUNS = Number(arg("runs", "5"));
const DATABASE_URL = arg("database-url", "");
const BEFORE = arg("before", "");
// Milliseconds Toxiproxy holds each answer of moto back (0: no proxy), for pages that take as long as a network's.
const LATENCY_MS = Number(arg("latency-ms", "0"));

// When each HTTP request to moto is sent and each answer is read (Node publishes both): the time from an answer read
// to the next request sent is the part of the backend's critical path this process holds (parsing the answer, the
// index's work on its thread, the next connection: moto closes each one).
const wire: { kind: "sent" | "read"; at: number }[] = [];
diagnostics.subscribe("http.client.request.start", () => wire.push({ kind: "sent", at: performance.now() }));
diagnostics.subscribe("http.client.response.finish", () => wire.push({ kind: "read", at: performance.now() }));

/** From each answer read to the request sent right after it, and from each request sent to its answer read (ms). */
function wireTimes(start: number, end: number): { gaps: number[]; answers: number[]; before: number; after: number } {
  const gaps: number[] = [];
  const answers: number[] = [];
  for (let i = 1; i < wire.length; i++) {
    const span = wire[i].at - wire[i - 1].at;
    if (wire[i - 1].kind === "read" && wire[i].kind === "sent") gaps.push(span);
    if (wire[i - 1].kind === "sent" && wire[i].kind === "read") answers.push(span);
  }
  // Before the first request and after the last answer: the run's time outside the backend's pages.
  const [before, after] = wire.length ? [wire[0].at - start, end - wire.at(-1)!.at] : [0, 0];
  return { gaps, answers, before, after };
}

async function main() {
  const moto = await startOwnMoto();
  const dir = mkdtempSync(path.join(tmpdir(), "keyhold-bench-overlap-"));
  const driver = openDriver({ dataDir: dir, ...(DATABASE_URL ? { databaseUrl: DATABASE_URL } : {}) });
  try {
    await seedMany(
      moto.client,
      COUNT,
      (i) => ({
        name: `overlap/KEY_${i}`,
        tags: [
          { Key: "namespace", Value: "company" },
          { Key: "key", Value: `KEY_${i}` },
          { Key: "prefix", Value: "kestra" },
        ],
        // A few in flight: below 10,000 secrets moto's races (a 500, tried again) stay rare.
      }),
      4,
    );
    // Keyhold and the SDK loop both ask through the proxy when there is one.
    const slowed = await withLatency(moto.endpoint, LATENCY_MS);
    const { endpoint } = slowed;
    const loopClient = new SecretsManagerClient({
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      maxAttempts: 1,
    });
    await migrate(driver);
    const prisma = new PrismaClient({ adapter: driver.adapter });
    const ctx = {
      document: {
        type: "aws-secret-manager",
        "read-only": true,
        "aws-secret-manager": {
          region: "us-east-1",
          "endpoint-override": endpoint,
          "access-key-id": "testing",
          "secret-key-id": "testing",
        },
      },
      attachment: { tenant: "acme", namespace: null },
    } as unknown as Parameters<typeof createAwsBackend>[0];
    const backend = createAwsBackend(ctx);
    const rules = selectionRules(ctx);

    /** The pages one after the other, classified as the adapter does: the scan as it was before the prefetch. */
    async function* sequential(): AsyncIterable<IndexedSecret[]> {
      const pages = createAwsDriver(ctx).scan(new AbortController().signal, new PageBudget("moto"));
      for await (const page of pages)
        yield page.map((raw) => {
          const c = classify(raw, rules);
          return {
            backendName: raw.name,
            key: c.ok ? c.key : null,
            namespace: c.ok ? c.namespace : null,
            tenantTag: c.ok ? c.tenant : null,
            description: raw.description,
            tags: raw.tags ?? {},
            subkeys: null,
            updatedAt: raw.updatedAt ? raw.updatedAt.toISOString() : null,
            version: null,
            ignored: c.ok ? null : c.reason,
          };
        });
    }
    const direct = async () => {
      let token: string | undefined;
      let n = 0;
      do {
        const page = await loopClient.send(
          new ListSecretsCommand({ MaxResults: 100, NextToken: token, IncludePlannedDeletion: false }),
        );
        n += page.SecretList?.length ?? 0;
        token = page.NextToken;
      } while (token);
      return n;
    };
    const lineage = (key: string): LineageEntry[] => [
      { namespace: "company", depth: 0, sourceKey: key, attachmentNamespace: null },
    ];
    const refresh =
      (key: string, scan: () => AsyncIterable<IndexedSecret[]>, through: typeof refreshSource = refreshSource) =>
      async () => {
        const r = await through(prisma, { key, tenantId: null, configId: null }, scan);
        // Served: the first page, as the Refresh route asks right after the scan.
        const page = await listVisible(prisma, { tenant: "acme", lineage: lineage(key), limit: 50 });
        return r.status === "done" ? page.total : -1;
      };
    const variants: [string, () => Promise<number>][] = [
      ["refresh, adapter scan (prefetch)", refresh("prefetch", () => backend.scan())],
      ["refresh, pages one after the other", refresh("sequential", sequential)],
    ];
    // The index's own cost: the same pages from memory, no backend.
    const held: IndexedSecret[][] = [];
    for await (const page of backend.scan()) held.push(page);
    const fromMemory = async function* () {
      yield* held;
    };
    variants.push(["refresh from pages in memory (the index's writes alone)", refresh("memory", fromMemory)]);
    if (BEFORE) {
      const before = (await import(path.resolve(BEFORE))) as { refreshSource: typeof refreshSource };
      variants.push([
        `refresh, adapter scan, ${BEFORE}`,
        refresh("before", () => backend.scan(), before.refreshSource),
      ]);
      variants.push([`refresh from memory, ${BEFORE}`, refresh("memory-before", fromMemory, before.refreshSource)]);
    }
    variants.push(["SDK loop alone (no index)", direct]);
    const times = new Map(variants.map(([name]) => [name, [] as number[]]));
    // CPU per variant: this process's (the SDK, the adapter, Prisma; PGlite's too, which runs in it), moto's, and the
    // PostgreSQL server's (every postgres process of this machine: run it alone).
    const cpus = new Map(variants.map(([name]) => [name, [] as number[]]));
    const motoCpus = new Map(variants.map(([name]) => [name, [] as number[]]));
    const pgCpus = new Map(variants.map(([name]) => [name, [] as number[]]));
    const gaps = new Map(variants.map(([name]) => [name, [] as number[]]));
    const answers = new Map(variants.map(([name]) => [name, [] as number[]]));
    const outside = new Map(variants.map(([name]) => [name, { before: [] as number[], after: [] as number[] }]));
    const pgCpu = () => (DATABASE_URL ? postgresPids().reduce((sum, pid) => sum + processCpuMs(pid), 0) : 0);
    for (let i = 0; i < RUNS; i++) {
      for (const [name, fn] of i % 2 ? [...variants].reverse() : variants) {
        const t = performance.now();
        const cpu = process.cpuUsage();
        const [moto0, pg0] = [processCpuMs(moto.pid), pgCpu()];
        wire.length = 0;
        const n = await fn();
        const end = performance.now();
        times.get(name)!.push(end - t);
        const seen = wireTimes(t, end);
        outside.get(name)!.before.push(seen.before);
        outside.get(name)!.after.push(seen.after);
        gaps.get(name)!.push(...seen.gaps);
        answers.get(name)!.push(...seen.answers);
        const used = process.cpuUsage(cpu);
        cpus.get(name)!.push((used.user + used.system) / 1000);
        motoCpus.get(name)!.push(processCpuMs(moto.pid) - moto0);
        pgCpus.get(name)!.push(pgCpu() - pg0);
        // The old generation's delete goes on after a refresh: not in the next variant's time.
        await settleIndexWrites();
        if (n !== COUNT) throw new Error(`${name}: ${n} secrets, expected ${COUNT}`);
      }
    }
    const base = median(times.get(variants.at(-1)![0])!);
    const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
    console.log(
      `Scan into the index, ${COUNT} secrets on moto${LATENCY_MS ? ` (each answer ${LATENCY_MS} ms later, Toxiproxy)` : ""}, ${DATABASE_URL ? "PostgreSQL" : "PGlite"}, medians of ${RUNS} (ms; load average ${load})`,
    );
    for (const [name] of variants) {
      const m = median(times.get(name)!);
      const [g, a] = [gaps.get(name)!, answers.get(name)!];
      console.log(
        `  ${name}: ${m.toFixed(0)} (${(m / base).toFixed(2)}x the SDK loop; CPU ms: this process ${median(cpus.get(name)!).toFixed(0)}, moto ${median(motoCpus.get(name)!).toFixed(0)}${DATABASE_URL ? `, PostgreSQL ${median(pgCpus.get(name)!).toFixed(0)}` : ""}${g.length ? `; per page, medians: answer ${median(a).toFixed(1)} ms after its request, next request ${median(g).toFixed(1)} ms after the answer; before the first request ${median(outside.get(name)!.before).toFixed(1)}, after the last answer ${median(outside.get(name)!.after).toFixed(1)}` : ""})`,
      );
    }
    await prisma.$disconnect();
    loopClient.destroy();
    await slowed.stop();
  } finally {
    await moto.stop();
    await driver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
