// Benchmark: the secrets index at scale. For each size it seeds moto and OpenBao, configures a read-only namespace on
// each, and prints: a scan (Refresh, which waits for a new scan into the index) against the SDK loop a script would
// write, warm first page and search over HTTP, backend value reads per page view, and the server's peak memory.
// The SDK loop (through the same loopback proxy as Keyhold) is what a script needing the same metadata would write: AWS, ListSecrets (its entries carry tags,
// description and dates); Vault KV v2, a LIST and one subkeys request per entry, as many in flight as the scan
// (the bare LIST, which tells names only, is printed too).
// With --moto-shards N the AWS secrets live in N moto_servers of the benchmark's own behind one loopback endpoint
// (tests/support/backends/moto-shards.ts): one moto checks each new name against every secret it holds (seeding is
// quadratic) and races past about 20,000, so 50,000 seed only sharded. Keyhold and the SDK loop both see the one
// endpoint (the loop through the same router).
//   scripts/bench/list-scale [--sizes 1000,10000,50000] [--runs 5] [--backends aws,vault] [--seed-concurrency 8]
//     [--moto-shards 10] [--port 3310] [--latency-ms 20]
// With --latency-ms N, Toxiproxy holds each of moto's answers back N ms (Keyhold, the SDK loop and the seeding alike).
import { readFileSync } from "node:fs";
import { startMotoShards } from "../../tests/support/backends/moto-shards";
import { awsEnv } from "../../tests/support/backends/aws";
import {
  arg,
  awsReadOnly,
  configureNamespace,
  countingBackends,
  directAwsScan,
  directVaultScan,
  directVaultScanWithSubkeys,
  isAwsValueRead,
  isVaultValueRead,
  median,
  prepareTenant,
  seedAws,
  seedVault,
  startServer,
  timedList,
  vaultReadOnly,
  withLatency,
} from "./bench-kit";

const SIZES = arg("sizes", "1000,10000,50000").split(",").map(Number);
const RUNS = Number(arg("runs", "5"));
const BACKENDS = arg("backends", "aws,vault").split(",") as ("aws" | "vault")[];
const SEED_CONCURRENCY = Number(arg("seed-concurrency", "8"));
/** The Vault scan's subkeys requests in flight (lib/backends/vault/adapter.ts, DETAIL_CONCURRENCY). */
const VAULT_CONCURRENCY = 16;
const PORT = Number(arg("port", "3310"));
// Milliseconds Toxiproxy holds each of moto's answers back (0: none), for Keyhold and the SDK loop alike.
const LATENCY_MS = Number(arg("latency-ms", "0"));
const MOTO_SHARDS = Number(arg("moto-shards", "0"));
const TENANT = "scale";

/**
 * A Refresh, timed until its scan finished: the route waits up to 120 s for the scan, and a longer one (50,000 AWS
 * secrets on moto) goes on in the background; then the list is asked again every 5 s (not more often: on PGlite each
 * list shares the one connection with the scan's writes) until it is as of a scan that finished after the Refresh was
 * asked; the figure is late by up to that interval.
 */
async function timedRefresh(admin: Parameters<typeof timedList>[0], namespace: string) {
  const askedAt = Date.now();
  const started = performance.now();
  let answer = await timedList(admin, TENANT, namespace, "?refresh=1");
  const done = (body: typeof answer.body) => {
    const f = (body as { freshness?: { asOf: string | null; scanning: boolean } }).freshness;
    return !!f?.asOf && !f.scanning && Date.parse(f.asOf) >= askedAt - 1000;
  };
  while (answer.status === 200 && !done(answer.body)) {
    await new Promise((r) => setTimeout(r, 5000));
    answer = await timedList(admin, TENANT, namespace);
  }
  return { ...answer, ms: performance.now() - started };
}

async function main() {
  const shards = MOTO_SHARDS > 0 ? await startMotoShards(MOTO_SHARDS) : null;
  const moto = await withLatency(shards?.endpoint ?? awsEnv().endpoint, LATENCY_MS);
  const backends = await countingBackends(moto.endpoint);
  // The SDK loops ask through the same counting proxies as Keyhold, so both pay the proxies' hop.
  const server = await startServer(PORT, {
    KEYHOLD_EGRESS_ALLOW: [new URL(backends.aws.url).host, new URL(backends.vault.url).host].join(","),
  });
  const rows: string[] = [];
  try {
    const { admin } = await prepareTenant(server.base, TENANT);
    for (const size of SIZES) {
      for (const kind of BACKENDS) {
        const namespace = `${kind}${size}`;
        const seeded = performance.now();
        if (kind === "aws" && shards)
          await shards.seed(size, (i) => ({
            name: `scale${size}/KEY_${String(i).padStart(6, "0")}`,
            tags: [{ Key: "team", Value: i % 2 ? "payments" : "ledger" }],
          }));
        else if (kind === "aws") await seedAws(`scale${size}/`, size, SEED_CONCURRENCY);
        else await seedVault(`scale${size}`, size, SEED_CONCURRENCY * 4);
        console.error(`[bench] ${namespace}: seeded in ${Math.round(performance.now() - seeded)} ms`);
        await configureNamespace(
          admin,
          TENANT,
          namespace,
          kind === "aws"
            ? awsReadOnly(backends.aws.url, `scale${size}/`)
            : vaultReadOnly(backends.vault.url, `scale${size}`),
        );
        const scans: number[] = [];
        const direct: number[] = [];
        const bare: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const refreshed = await timedRefresh(admin, namespace);
          if (refreshed.status !== 200 || refreshed.body.total !== size)
            throw new Error(
              `${namespace}: refresh answered ${refreshed.status} ${JSON.stringify(refreshed.body).slice(0, 300)}`,
            );
          scans.push(refreshed.ms);
          if (kind === "aws") {
            const loop = await directAwsScan(`scale${size}/`, backends.aws.url);
            if (loop.names !== size) throw new Error(`${namespace}: the SDK loop listed ${loop.names} secrets`);
            direct.push(loop.ms);
            bare.push(loop.ms);
          } else {
            const loop = await directVaultScanWithSubkeys(`scale${size}`, VAULT_CONCURRENCY, backends.vault.url);
            if (loop.names !== size) throw new Error(`${namespace}: the SDK loop described ${loop.names} entries`);
            direct.push(loop.ms);
            bare.push((await directVaultScan(`scale${size}`, backends.vault.url)).ms);
          }
        }
        const valueReads = () =>
          kind === "aws" ? backends.aws.count(isAwsValueRead) : backends.vault.count(isVaultValueRead);
        const readsBefore = valueReads();
        const first: number[] = [];
        const search: number[] = [];
        for (let i = 0; i < RUNS * 2; i++) {
          first.push((await timedList(admin, TENANT, namespace)).ms);
          const needle = `KEY_${String((i * 7919) % size).padStart(6, "0")}`;
          const found = await timedList(admin, TENANT, namespace, `?search=${needle}`);
          if (found.body.total !== 1) throw new Error(`${namespace}: search ${needle} found ${found.body.total}`);
          search.push(found.ms);
        }
        const readsPerView = (valueReads() - readsBefore) / (RUNS * 4);
        const ratio = median(scans) / median(direct);
        rows.push(
          `| ${size.toLocaleString("en")} | ${kind === "aws" ? "moto" : "OpenBao"} | ${median(scans).toFixed(0)} | ${median(direct).toFixed(0)} | ${ratio.toFixed(2)}x | ${median(bare).toFixed(0)} | ${median(first).toFixed(1)} | ${median(search).toFixed(1)} | ${readsPerView} | ${server.peakRssMiB()} |`,
        );
        console.error(rows.at(-1));
      }
    }
  } finally {
    await server.stop();
    await backends.close();
    await shards?.stop();
    await moto.stop();
  }
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  console.log(
    `Secrets index at scale (${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}${shards ? `; moto in ${MOTO_SHARDS} shards` : ""}${LATENCY_MS ? `; each of moto's answers ${LATENCY_MS} ms later (Toxiproxy)` : ""}; medians of ${RUNS} scans, ${RUNS * 2} page views and searches; ms over HTTP on loopback; load average at the end ${load})`,
  );
  console.log(
    "| Secrets | Backend | Scan into the index | SDK loop (same metadata) | Ratio | Bare list (names only) | Warm first page | Search | Value reads per view | Peak RSS (MiB) |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
