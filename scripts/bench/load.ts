// Benchmark: 50 signed-in viewers on one namespace's list route for 30 s (autocannon), with 1,000 AWS secrets.
// Prints latency percentiles, errors, and what the backend was asked meanwhile (scans, value reads).
// First `--sequential` requests one after the other (the server's CPU time per request, median and mean latency).
//   scripts/bench/load [--connections 50] [--seconds 30] [--size 1000] [--sequential 100] [--port 3320]
import { loadavg } from "node:os";
import autocannon from "autocannon";
import { signedIn } from "../../tests/support/server-actions";
import {
  arg,
  awsReadOnly,
  configureNamespace,
  countingBackends,
  isAwsValueRead,
  isListSecrets,
  median,
  prepareTenant,
  seedAws,
  startServer,
  timedList,
  VIEWER,
} from "./bench-kit";

const CONNECTIONS = Number(arg("connections", "50"));
const SECONDS = Number(arg("seconds", "30"));
const SIZE = Number(arg("size", "1000"));
const SEQUENTIAL = Number(arg("sequential", "100"));
const TENANT = "load";
const NAMESPACE = "viewers";

async function main() {
  const backends = await countingBackends();
  const server = await startServer(Number(arg("port", "3320")), {
    KEYHOLD_EGRESS_ALLOW: new URL(backends.aws.url).host,
  });
  try {
    await seedAws(`scale${SIZE}/`, SIZE);
    const { admin } = await prepareTenant(server.base, TENANT);
    await configureNamespace(admin, TENANT, NAMESPACE, awsReadOnly(backends.aws.url, `scale${SIZE}/`));
    const warm = await timedList(admin, TENANT, NAMESPACE, "?refresh=1");
    if (warm.body.total !== SIZE) throw new Error(`the first scan listed ${warm.body.total} of ${SIZE}`);
    const viewer = await signedIn(server.base, VIEWER.email, VIEWER.password);
    const database = process.env.DATABASE_URL ? "PostgreSQL" : "PGlite";
    const load = () => loadavg()[0].toFixed(1);
    if (SEQUENTIAL > 0) {
      for (let i = 0; i < 10; i++) await timedList(viewer, TENANT, NAMESPACE); // warm up the route
      const times: number[] = [];
      const cpuBefore = server.cpuMs();
      for (let i = 0; i < SEQUENTIAL; i++) {
        const r = await timedList(viewer, TENANT, NAMESPACE);
        if (r.status !== 200) throw new Error(`the list answered ${r.status}`);
        times.push(r.ms);
      }
      const cpu = (server.cpuMs() - cpuBefore) / SEQUENTIAL;
      const mean = times.reduce((a, b) => a + b, 0) / times.length;
      console.log(`Sequential (${database}; ${SEQUENTIAL} requests of the first page; load average ${load()})`);
      console.log("| Server CPU per request ms | Median ms | Mean ms |");
      console.log("|---|---|---|");
      console.log(`| ${cpu.toFixed(1)} | ${median(times).toFixed(1)} | ${mean.toFixed(1)} |`);
    }
    const listsBefore = backends.aws.count(isListSecrets);
    const readsBefore = backends.aws.count(isAwsValueRead);
    const cpuBefore = server.cpuMs();
    const loadBefore = load();
    const result = await autocannon({
      url: `${server.base}/api/tenants/${TENANT}/namespaces/${NAMESPACE}/secrets`,
      connections: CONNECTIONS,
      duration: SECONDS,
      headers: { cookie: viewer.cookie },
    });
    const cpuPerRequest = (server.cpuMs() - cpuBefore) / Math.max(1, result.requests.total);
    const pagesPerScan = Math.ceil(SIZE / 100);
    const listCalls = backends.aws.count(isListSecrets) - listsBefore;
    console.log(
      `List route under load (${database}; ${CONNECTIONS} viewers, ${SECONDS} s, ${SIZE} AWS secrets; load average ${loadBefore} before, ${load()} after)`,
    );
    console.log(
      "| Requests | p50 ms | p95 ms | p99 ms | Errors (non-2xx, timeouts) | Server CPU per request ms | ListSecrets calls (scans) | Value reads |",
    );
    console.log("|---|---|---|---|---|---|---|---|");
    console.log(
      `| ${result.requests.total} | ${result.latency.p50} | ${result.latency.p97_5 !== undefined ? percentile95(result) : "?"} | ${result.latency.p99} | ${result.non2xx + result.errors + result.timeouts} | ${cpuPerRequest.toFixed(1)} | ${listCalls} (${(listCalls / pagesPerScan).toFixed(1)}) | ${backends.aws.count(isAwsValueRead) - readsBefore} |`,
    );
    if (result.non2xx + result.errors + result.timeouts > 0)
      console.log(
        `Errors: ${result.non2xx} non-2xx (${JSON.stringify(result.statusCodeStats)}), ${result.errors} connection errors, ${result.timeouts} timeouts`,
      );
    console.log(`Peak RSS of the server: ${server.peakRssMiB()} MiB`);
  } finally {
    await server.stop();
    await backends.close();
  }
}

/** autocannon reports p90 and p97.5, not p95: interpolate between them (the table says so). */
function percentile95(result: autocannon.Result): string {
  const { p90, p97_5 } = result.latency;
  return `~${(p90 + ((95 - 90) / (97.5 - 90)) * (p97_5 - p90)).toFixed(0)}`;
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
