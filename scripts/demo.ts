// `npm run demo`: a first look without any cloud account. Starts the backend emulators, seeds a few hundred secrets,
// configures a demo tenant (one read-only and one writable namespace per backend) with `keyhold apply`, creates a demo
// administrator and serves the console on an embedded PGlite database in the demo folder, opening it in the browser when
// run in a terminal (`npm run demo -- --no-open` or KEYHOLD_DEMO_OPEN=0 does not). Ctrl-C stops it all.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { browserOpener } from "./demo/open-browser";

const root = path.resolve(import.meta.dirname, "..");
const demoDir = path.resolve(process.env.KEYHOLD_DEMO_DIR || path.join(root, ".demo"));
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? "localhost";
const admin = {
  email: process.env.KEYHOLD_DEMO_ADMIN_EMAIL ?? "admin@demo.keyhold.local",
  password: process.env.KEYHOLD_DEMO_ADMIN_PASSWORD ?? "keyhold-demo-password",
};
// The demo's own emulators (ports and run folder), apart from the ones the tests start.
const EMULATOR_DEFAULTS: Record<string, string> = {
  KEYHOLD_MOTO_PORT: "25566",
  KEYHOLD_AZURE_PORT: "25443",
  KEYHOLD_AZURE_TOKEN_PORT: "25480",
  KEYHOLD_VAULT_PORT: "25200",
  KEYHOLD_GCP_PORT: "25085",
  KEYHOLD_GCP_IAM_PORT: "25087",
  KEYHOLD_EMULATORS_RUN_DIR: path.join(demoDir, "emulators"),
};
for (const [k, v] of Object.entries(EMULATOR_DEFAULTS)) process.env[k] ||= v;
delete process.env.KEYHOLD_EMULATORS_ENV_FILE;
const dataDir = path.join(demoDir, "data");
process.env.KEYHOLD_DATA_DIR = dataDir;
delete process.env.DATABASE_URL;
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const say = (line: string) => console.log(`[demo] ${line}`);
const emulators = (action: "start" | "stop") =>
  execFileSync("bash", [path.join(root, `scripts/emulators/${action}.sh`), "all"], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", action === "start" ? "inherit" : "ignore"],
  }).trim();

let server: ReturnType<typeof spawn> | null = null;
let stopping = false;
async function stop(code: number): Promise<void> {
  // Ctrl-C reaches this process twice (from the terminal and relayed by tsx): the first one stops everything.
  if (stopping) return;
  stopping = true;
  say("stopping the console and the emulators…");
  const running = () => server !== null && server.exitCode === null && server.signalCode === null;
  if (running()) {
    const exited = new Promise((resolve) => server!.once("exit", resolve));
    server!.kill("SIGINT");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (running()) server!.kill("SIGKILL");
  }
  spawnSync("bash", [path.join(root, "scripts/emulators/stop.sh"), "all"], { cwd: root, stdio: "ignore" });
  say("stopped.");
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

async function main() {
  mkdirSync(demoDir, { recursive: true });
  say(`demo folder: ${demoDir}`);
  say("starting the backend emulators (moto, OpenBao, the Azure Key Vault and Google Secret Manager servers)…");
  // A fresh set every time: the emulators keep their data in memory, so the data set is exactly the one below.
  emulators("stop");
  const envFile = emulators("start");
  const { loadEmulatorEnv, emulatorEnv, emulatorEgressAllow } = await import("../tests/support/emulators");
  loadEmulatorEnv(envFile);

  say("seeding the emulators…");
  const { seedDemo } = await import("./demo/seed");
  const counts = await seedDemo();
  say(
    `seeded ${Object.entries(counts)
      .map(([b, n]) => `${n} in ${b}`)
      .join(", ")}`,
  );

  // A fresh database each run: the demo tenant is applied from its configuration-as-code file.
  rmSync(dataDir, { recursive: true, force: true });
  const { demoTenantYaml, demoNamespaces, DEMO_TENANT } = await import("./demo/data-set");
  const yaml = demoTenantYaml({
    awsEndpoint: emulatorEnv("KEYHOLD_AWS_ENDPOINT"),
    awsRegion: emulatorEnv("KEYHOLD_AWS_REGION"),
    awsAccessKeyId: emulatorEnv("KEYHOLD_AWS_ACCESS_KEY_ID"),
    azureVaultUrl: emulatorEnv("KEYHOLD_AZURE_VAULT_URL"),
    azureTenantId: emulatorEnv("KEYHOLD_AZURE_TENANT_ID"),
    azureCaPem: readFileSync(emulatorEnv("KEYHOLD_AZURE_CA_CERT"), "utf8"),
    gcpEndpoint: `http://${emulatorEnv("KEYHOLD_GCP_HOST")}:${emulatorEnv("KEYHOLD_GCP_PORT")}`,
    gcpProject: emulatorEnv("KEYHOLD_GCP_PROJECT_ID"),
    vaultAddr: emulatorEnv("KEYHOLD_VAULT_ADDR"),
  });
  const tenantFile = path.join(demoDir, "demo-tenant.yaml");
  writeFileSync(tenantFile, yaml);
  const credentials = {
    DEMO_AWS_SECRET_KEY: emulatorEnv("KEYHOLD_AWS_SECRET_ACCESS_KEY"),
    DEMO_AZURE_CLIENT_SECRET: "demo-client-secret",
    DEMO_VAULT_TOKEN: emulatorEnv("KEYHOLD_VAULT_TOKEN"),
  };
  {
    const { openDriver } = await import("../lib/db/driver");
    const { migrate } = await import("../lib/db/migrator");
    const { PrismaClient } = await import("../lib/db/generated/client");
    const { planTenant } = await import("../lib/config-as-code/plan");
    const { applyPlan } = await import("../lib/config-as-code/apply");
    const driver = openDriver({ dataDir });
    const prisma = new PrismaClient({ adapter: driver.adapter });
    try {
      await migrate(driver);
      const who = { instanceAdmin: true };
      const plan = await planTenant(prisma, yaml, tenantFile, { ...process.env, ...credentials }, who);
      const { applied } = await applyPlan(prisma, plan, "demo", who);
      say(`tenant '${DEMO_TENANT}' configured from ${tenantFile} (${applied} changes)`);
    } finally {
      await prisma.$disconnect();
      await driver.close();
    }
  }

  say("starting the console…");
  server = spawn(process.execPath, [path.join(root, "scripts/start.mjs")], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      ...process.env,
      PORT: String(port),
      HOSTNAME: hostname,
      KEYHOLD_DATA_DIR: dataDir,
      KEYHOLD_CONFIG_FILE: "",
      KEYHOLD_EGRESS_ALLOW: emulatorEgressAllow(),
      KEYHOLD_ADMIN_EMAIL: admin.email,
      KEYHOLD_ADMIN_PASSWORD: admin.password,
      KEYHOLD_ADMIN_NAME: "Demo Administrator",
    },
  });
  server.on("exit", (code) => {
    if (!stopping) {
      say(`the console stopped (exit ${code})`);
      void stop(code ?? 1);
    }
  });
  const url = `http://${hostname}:${port}`;
  readline.createInterface({ input: server.stdout! }).on("line", (line) => {
    console.log(line);
    if (!line.startsWith("Keyhold is running at")) return;
    const width = Math.max(...demoNamespaces().map((n) => n.namespace.length));
    console.log(
      [
        "",
        "Keyhold demo is ready",
        `  Console:  ${url}/tenants/${DEMO_TENANT}`,
        `  Sign in:  ${admin.email} / ${admin.password}`,
        `  Tenant '${DEMO_TENANT}', one read-only and one writable namespace per backend:`,
        ...demoNamespaces().map(
          (n) =>
            `    ${n.namespace.padEnd(width)}  ${n.backend.padEnd(5)}  ${n.readOnly ? "read-only" : "writable "}  ${n.expected} secrets`,
        ),
        `  Configuration as code: ${tenantFile}`,
        "  Ctrl-C stops the console and the emulators.",
        "",
      ].join("\n"),
    );
    openConsole(`${url}/tenants/${DEMO_TENANT}`);
  });
}

/** Opens the console in the browser when a person runs the demo in a terminal (scripts/demo/open-browser.ts). */
function openConsole(consoleUrl: string) {
  const opener = browserOpener({
    argv: process.argv,
    env: process.env,
    isTTY: process.stdout.isTTY === true,
    platform: process.platform,
  });
  if ("skip" in opener) return;
  say(`opening ${consoleUrl} in your browser (--no-open or KEYHOLD_DEMO_OPEN=0 skips this)`);
  const child = spawn(opener.command, [consoleUrl], { stdio: "ignore", detached: true });
  child.on("error", (error) => say(`could not open the browser (${error.message}): open ${consoleUrl} yourself`));
  child.unref();
}

main().catch((error: unknown) => {
  console.error(`[demo] failed: ${(error as Error)?.message ?? error}`);
  void stop(1);
});
