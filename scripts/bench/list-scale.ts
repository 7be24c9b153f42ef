// Benchmark: the secrets index at scale. For each size it seeds moto and OpenBao, configures a read-only namespace on
// each, and prints: a scan (Refresh, which waits for a new scan into the index) against the SDK loop a script would
// write, warm first page and search over HTTP, backend value reads per page view, and the server's peak memory.
//   scripts/bench/list-scale [--sizes 1000,10000,50000] [--runs 5]
import {
  arg,
  awsReadOnly,
  configureNamespace,
  countingBackends,
  directAwsScan,
  directVaultScan,
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
const TENANT = "scale";

async function main() {
  const backends = await countingBackends();
  const server = await startServer(Number(arg("port", "3310")), {
    KEYHOLD_EGRESS_ALLOW: [new URL(backends.aws.url).host, new URL(backends.vault.url).host].join(","),
  });
  const rows: string[] = [];
  try {
    const { admin } = await prepareTenant(server.base, TENANT);
    for (const size of SIZES) {
      for (const kind of ["aws", "vault"] as const) {
        const namespace = `${kind}${size}`;
        const seeded = performance.now();
        if (kind === "aws") await seedAws(`scale${size}/`, size);
        else await seedVault(`scale${size}`, size);
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
        for (let i = 0; i < RUNS; i++) {
          const refreshed = await timedList(admin, TENANT, namespace, "?refresh=1");
          if (refreshed.status !== 200 || refreshed.body.total !== size)
            throw new Error(
              `${namespace}: refresh answered ${refreshed.status} ${JSON.stringify(refreshed.body).slice(0, 300)}`,
            );
          scans.push(refreshed.ms);
          direct.push(
            (kind === "aws" ? await directAwsScan(`scale${size}/`) : await directVaultScan(`scale${size}`)).ms,
          );
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
          `| ${size.toLocaleString("en")} | ${kind === "aws" ? "moto" : "OpenBao"} | ${median(scans).toFixed(0)} | ${median(direct).toFixed(0)} | ${ratio.toFixed(2)}x | ${median(first).toFixed(1)} | ${median(search).toFixed(1)} | ${readsPerView} | ${server.peakRssMiB()} |`,
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
    "| Secrets | Backend | Scan into the index | SDK loop | Ratio | Warm first page | Search | Value reads per view | Peak RSS (MiB) |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
