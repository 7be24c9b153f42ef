// Benchmark: 50 signed-in viewers on one namespace's list route for 30 s (autocannon), with 1,000 AWS secrets.
// Prints latency percentiles, errors, and what the backend was asked meanwhile (scans, value reads).
//   scripts/bench/load [--connections 50] [--seconds 30] [--size 1000] [--port 3320]
import autocannon from "autocannon";
import { signedIn } from "../../tests/support/server-actions";
import {
  arg,
  awsReadOnly,
  configureNamespace,
  countingBackends,
  isAwsValueRead,
  isListSecrets,
  prepareTenant,
  seedAws,
  startServer,
  timedList,
  VIEWER,
} from "./bench-kit";

const CONNECTIONS = Number(arg("connections", "50"));
const SECONDS = Number(arg("seconds", "30"));
const SIZE = Number(arg("size", "1000"));
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
    const listsBefore = backends.aws.count(isListSecrets);
    const readsBefore = backends.aws.count(isAwsValueRead);
    const result = await autocannon({
      url: `${server.base}/api/tenants/${TENANT}/namespaces/${NAMESPACE}/secrets`,
      connections: CONNECTIONS,
      duration: SECONDS,
      headers: { cookie: viewer.cookie },
    });
    const pagesPerScan = Math.ceil(SIZE / 100);
    const listCalls = backends.aws.count(isListSecrets) - listsBefore;
    console.log(
      `List route under load (${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}; ${CONNECTIONS} viewers, ${SECONDS} s, ${SIZE} AWS secrets)`,
    );
    console.log(
      "| Requests | p50 ms | p95 ms | p99 ms | Errors (non-2xx, timeouts) | ListSecrets calls (scans) | Value reads |",
    );
    console.log("|---|---|---|---|---|---|---|");
    console.log(
      `| ${result.requests.total} | ${result.latency.p50} | ${result.latency.p97_5 !== undefined ? percentile95(result) : "?"} | ${result.latency.p99} | ${result.non2xx + result.errors + result.timeouts} | ${listCalls} (${(listCalls / pagesPerScan).toFixed(1)}) | ${backends.aws.count(isAwsValueRead) - readsBefore} |`,
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
