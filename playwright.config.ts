import { defineConfig } from "@playwright/test";
import os from "node:os";
import path from "node:path";
import { emulatorEgressAllow } from "./tests/support/emulators";
import { e2eAuthorityPort, e2eAwsForwarderPort, e2eTokenFileRoot } from "./e2e/keyless-env";
import { loopbackGuardEnv } from "./tests/support/loopback-env";

// Every Node process of the run (the workers, the suite's server, the servers and CLIs specs start) preloads the
// loopback guard: a lookup or connection beyond loopback is refused and reported on stderr.
Object.assign(process.env, loopbackGuardEnv(), { NEXT_TELEMETRY_DISABLED: "1" });

// One server per run; scripts/test/all.sh runs this config once on PGlite and once on PostgreSQL.
const port = Number(process.env.KEYHOLD_E2E_PORT ?? 3100);
// Set for the workers too (they inherit the runner's environment): e2e/data-folder-lock.spec.ts opens the same folder.
const dataDir = (process.env.KEYHOLD_E2E_DATA_DIR ??= path.join(os.tmpdir(), `keyhold-e2e-${process.pid}`));
const label = process.env.KEYHOLD_E2E_LABEL ?? "pglite";

export default defineConfig({
  testDir: "e2e",
  outputDir: `test-results/e2e-${label}`,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["json", { outputFile: `test-results/summary/playwright-${label}.json` }]],
  projects: [
    // Creates the first administrator through the one-time setup page and saves its session for every other spec.
    { name: "setup", testMatch: /auth\.setup\.ts/ },
    {
      name: "console",
      dependencies: ["setup"],
      testIgnore: /auth\.setup\.ts/,
      use: { storageState: path.join("test-results", ".auth", `admin-${label}.json`) },
    },
  ],
  use: {
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.KEYHOLD_CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    command: "node scripts/start.mjs",
    url: `http://localhost:${port}/`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(port),
      KEYHOLD_DATA_DIR: dataDir,
      KEYHOLD_CONFIG_FILE: process.env.KEYHOLD_CONFIG_FILE ?? "",
      // Dedicated managers may not reach loopback by default: the emulators' ports, exactly, are allowed.
      // And the Entra ID authority and the AWS forwarder e2e/keyless-auth.spec.ts serves on loopback.
      KEYHOLD_EGRESS_ALLOW: `${process.env.KEYHOLD_EGRESS_ALLOW ?? emulatorEgressAllow()},127.0.0.1:${e2eAuthorityPort()},127.0.0.1:${e2eAwsForwarderPort()}`,
      // Federated token files (Azure workload identity) only from each tenant's own folder.
      KEYHOLD_TOKEN_FILE_DIRS: path.join(e2eTokenFileRoot(), "{tenant}"),
      // Names the specs type as stand-ins (vault.internal, the regional AWS endpoint) are refused by name, before any DNS query:
      // tests send no packet beyond loopback.
      KEYHOLD_EGRESS_DENY:
        "*.internal,*.amazonaws.com,*.azure.net,*.microsoftonline.com,*.googleapis.com,*.example.com",
      ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    },
  },
});
