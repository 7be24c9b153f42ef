// Benchmark: the secrets index at scale. For each size it seeds moto and OpenBao, configures a read-only namespace on
// each, and prints: a scan (Refresh, which waits for a new scan into the index) against the SDK loop a script would
// write, warm first page and search over HTTP, backend value reads per page view, and the server's peak memory.
// The SDK loop is what a script needing the same metadata would write: AWS, ListSecrets (its entries carry tags,
// description and dates); Vault KV v2, a LIST and one subkeys request per entry, as many in flight as the scan
// (the bare LIST, which tells names only, is printed too).
//   scripts/bench/list-scale [--sizes 1000,10000,50000] [--runs 5] [--backends aws,vault] [--seed-concurrency 8] [--port 3310]
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
} from "./bench-kit";

const SIZES = arg("sizes", "1000,10000,50000").split(",").map(Number);
const RUNS = Number(arg("runs", "5"));
const BACKENDS = arg("backends", "aws,vault").split(",") as ("aws" | "vault")[];
const SEED_CONCURRENCY = Number(arg("seed-concurrency", "8"));
/** The Vault scan's subkeys requests in flight (lib/backends/vault/adapter.ts, DETAIL_CONCURRENCY). */
const VAULT_CONCURRENCY = 16;
const PORT = Number(arg("port", "3310"));
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
  const backends = await countingBackends();
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
        if (kind === "aws") await seedAws(`scale${size}/`, size, SEED_CONCURRENCY);
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
            const loop = await directAwsScan(`scale${size}/`);
            direct.push(loop.ms);
            bare.push(loop.ms);
          } else {
            const loop = await directVaultScanWithSubkeys(`scale${size}`, VAULT_CONCURRENCY);
            if (loop.names !== size) throw new Error(`${namespace}: the SDK loop described ${loop.names} entries`);
            direct.push(loop.ms);
            bare.push((await directVaultScan(`scale${size}`)).ms);
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
  }
  console.log(
    `Secrets index at scale (${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}; medians of ${RUNS} scans, ${RUNS * 2} page views and searches; ms over HTTP on loopback)`,
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
