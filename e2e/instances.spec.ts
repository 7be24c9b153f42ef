import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { awsEnv } from "../tests/support/backends/aws";
import { startCountingProxy, type CountingProxy } from "../tests/support/counting-proxy";
import { emulatorEgressAllow, startEmulators } from "../tests/support/emulators";
import { ACTIONS, signedIn, type ActionClient } from "../tests/support/server-actions";
import { expect, test } from "./fixtures";

// Two `next start` instances on one PostgreSQL database, as a deployment with several replicas runs: what one writes
// the other lists within a second, and a refresh asked of both at once scans the backend once.
const DATABASE_URL = process.env.DATABASE_URL ?? "";
test.skip(!DATABASE_URL.startsWith("postgres"), "several instances share a PostgreSQL database");

const BASE_PORT = Number(process.env.KEYHOLD_E2E_PORT ?? 3100);
const PORTS = [BASE_PORT + 2, BASE_PORT + 3];
const ADMIN = { email: "replicas@keyhold.test", password: "replicas-password-1234" };
const T = "replicas";
const NS = "payments";
const LIST_SECRETS = (r: { target: string | null }) => r.target === "secretsmanager.ListSecrets";

const database = `keyhold_instances_${Date.now()}_${process.pid}`;
const servers: ChildProcess[] = [];
let proxy: CountingProxy;

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function sql(statement: string) {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function startInstance(port: number, env: Record<string, string>): Promise<void> {
  const child = spawn("node", ["scripts/start.mjs"], {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      KEYHOLD_DATA_DIR: mkdtempSync(path.join(tmpdir(), "kh-replica-")),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  servers.push(child);
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes("Keyhold is running")) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    child.on("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`instance on ${port} exited with ${code}: ${output.slice(-2000)}`));
    });
  });
}

async function list(client: ActionClient, refresh = false) {
  const response = await fetch(
    `${client.base}/api/tenants/${T}/namespaces/${NS}/secrets${refresh ? "?refresh=1" : ""}`,
    {
      headers: { Cookie: client.cookie },
    },
  );
  expect(response.status).toBe(200);
  return (await response.json()) as { total: number; rows: { key: string }[] };
}

test.beforeAll(async () => {
  startEmulators(["aws"]);
  // The backend answers ListSecrets slowly, so that refreshes asked of both instances at once overlap with the scan.
  proxy = await startCountingProxy(awsEnv().endpoint, undefined, { delayMs: (r) => (LIST_SECRETS(r) ? 700 : 0) });
  await sql(`CREATE DATABASE "${database}"`);
  const env = {
    DATABASE_URL: withDatabase(DATABASE_URL, database),
    // Replicas share the encryption key (credentials and session cookies), as the operations guide says.
    KEYHOLD_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    KEYHOLD_ADMIN_EMAIL: ADMIN.email,
    KEYHOLD_ADMIN_PASSWORD: ADMIN.password,
    KEYHOLD_CONFIG_FILE: "",
    KEYHOLD_EGRESS_ALLOW: [emulatorEgressAllow(), new URL(proxy.url).host].filter(Boolean).join(","),
  };
  // One after the other: the first applies the migrations and creates the administrator.
  await startInstance(PORTS[0], env);
  await startInstance(PORTS[1], env);
});

test.afterAll(async () => {
  for (const child of servers) if (child.exitCode === null) child.kill("SIGKILL");
  await Promise.all(servers.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)));
  await proxy?.close();
  await sql(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
});

test("a secret written through one instance is listed by the other within a second; a refresh of both scans once", async () => {
  test.setTimeout(120_000);
  const a = await signedIn(`http://localhost:${PORTS[0]}`, ADMIN.email, ADMIN.password);
  const b = await signedIn(`http://localhost:${PORTS[1]}`, ADMIN.email, ADMIN.password);
  await a.must(...ACTIONS.createTenant, { slug: T, displayName: "Replicas" });
  await a.must(...ACTIONS.createNamespace, { tenant: T, path: NS });
  const aws = awsEnv();
  const document = {
    type: "aws-secret-manager",
    "read-only": false,
    "aws-secret-manager": {
      "access-key-id": aws.accessKeyId,
      "secret-key-id": aws.secretAccessKey,
      region: aws.region,
      "endpoint-override": proxy.url,
      prefix: `replicas-${Date.now()}`,
    },
  };
  // Turning the manager on switches the namespace's backend: the save carries its preview's confirmation.
  const preview = await a.call(...ACTIONS.previewSwitch, {
    tenant: T,
    namespace: NS,
    enabled: true,
    keepCredentials: [],
    document,
  });
  expect(preview.ok, JSON.stringify(preview.error)).toBe(true);
  const saved = await a.call(...ACTIONS.saveConfig, {
    tenant: T,
    namespace: NS,
    expectedVersion: null,
    enabled: true,
    keepCredentials: [],
    document,
    confirmSwitch: (preview.data as { confirmation: string }).confirmation,
  });
  expect(saved.ok, JSON.stringify(saved.error)).toBe(true);

  // Both instances list the (empty) namespace once, so each has served it before the write.
  expect((await list(a, true)).total).toBe(0);
  expect((await list(b)).total).toBe(0);

  const created = await a.call(...ACTIONS.createSecret, {
    tenant: T,
    namespace: NS,
    key: "LEDGER_TOKEN",
    value: "replica-value",
    tags: [],
  });
  expect(created.ok, JSON.stringify(created.error)).toBe(true);
  const written = Date.now();
  let seenAfter = Infinity;
  while (Date.now() - written < 5_000) {
    if ((await list(b)).rows.some((r) => r.key === "LEDGER_TOKEN")) {
      seenAfter = Date.now() - written;
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  console.log(`[instances] the write through A was listed by B after ${seenAfter} ms`);
  expect(seenAfter).toBeLessThanOrEqual(1_000);

  // Refresh asked of both instances at the same moment: one scan of the backend, one ListSecrets call (one page).
  const before = proxy.count(LIST_SECRETS);
  const [fromA, fromB] = await Promise.all([list(a, true), list(b, true)]);
  const scans = proxy.count(LIST_SECRETS) - before;
  console.log(`[instances] two simultaneous refreshes made ${scans} ListSecrets call(s)`);
  expect(scans).toBe(1);
  expect(fromA.rows.map((r) => r.key)).toEqual(["LEDGER_TOKEN"]);
  expect(fromB.rows.map((r) => r.key)).toEqual(["LEDGER_TOKEN"]);
});
