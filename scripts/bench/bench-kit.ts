// Shared by the list benchmarks: a Keyhold server of its own (production build, PGlite or DATABASE_URL), signed-in
// clients, loopback proxies in front of the emulators that count what the backend is asked, and seeders.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CreateSecretCommand, ListSecretsCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import nodeVault from "node-vault";
import { awsEnv } from "../../tests/support/backends/aws";
import { startCountingProxy, startCountingTcpProxy, type CountingProxy } from "../../tests/support/counting-proxy";
import { ACTIONS, signedIn, type ActionClient } from "../../tests/support/server-actions";
import { Toxiproxy } from "../../tests/support/toxiproxy";

export const ADMIN = { email: "bench@keyhold.test", password: "bench-password-123456" };
export const VIEWER = { email: "bench-viewer@keyhold.test", password: "bench-viewer-123456" };

export const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

export const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
export const median = (xs: number[]) => percentile(xs, 50);

/**
 * With `latencyMs` > 0, a Toxiproxy in front of `endpoint` that holds each answer back that long (pages as slow as a
 * network's), for Keyhold and the SDK loop alike; else `endpoint` itself. `stop` ends the proxy.
 */
export async function withLatency(
  endpoint: string,
  latencyMs: number,
): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  if (latencyMs <= 0) return { endpoint, stop: async () => undefined };
  const toxiproxy = await Toxiproxy.start();
  const proxy = await toxiproxy.createProxy("moto", new URL(endpoint).host);
  await proxy.addToxic({ type: "latency", attributes: { latency: latencyMs, jitter: 0 } });
  return { endpoint: `http://${proxy.address}`, stop: () => toxiproxy.stop() };
}

/** Runs fn over items with at most `limit` calls in flight. */
export async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

export interface Backends {
  aws: CountingProxy;
  vault: CountingProxy;
  close(): Promise<void>;
}

/**
 * Proxies in front of moto and OpenBao: the benchmarks count ListSecrets, GetSecretValue and Vault data reads there.
 * `awsEndpoint`: another Secrets Manager endpoint than the shared moto's (the sharded motos of `--moto-shards`).
 */
export async function countingBackends(awsEndpoint = awsEnv().endpoint): Promise<Backends> {
  const aws = await startCountingProxy(awsEndpoint);
  const vault = await startCountingTcpProxy(process.env.KEYHOLD_VAULT_ADDR!);
  return { aws, vault, close: async () => void (await Promise.all([aws.close(), vault.close()])) };
}

export const isListSecrets = (r: { target: string | null }) => r.target === "secretsmanager.ListSecrets";
export const isAwsValueRead = (r: { target: string | null }) =>
  r.target === "secretsmanager.GetSecretValue" || r.target === "secretsmanager.BatchGetSecretValue";
export const isVaultValueRead = (r: { method: string; url: string }) =>
  r.method === "GET" && /^\/v1\/secret\/data\//.test(r.url);

export interface Server {
  base: string;
  pid: number;
  /** Peak resident memory of the server process so far (VmHWM), in MiB. */
  peakRssMiB(): number;
  /** CPU time (user + system) the server process used so far, in ms (from /proc/<pid>/stat). */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** USER_HZ: 100 on Linux (getconf CLK_TCK). */
const CLOCK_TICKS = 100;

/** CPU time (user + system) process `pid` used so far, in ms (from /proc/<pid>/stat); 0 once it has gone. */
export function processCpuMs(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return 0;
  }
  // Fields 14 and 15 (utime, stime) in clock ticks; the command name (field 2) may hold spaces, so count after it.
  const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** The pids of this machine's PostgreSQL server processes (the postmaster and its backends and workers). */
export function postgresPids(): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/comm`, "utf8").trim() === "postgres";
      } catch {
        return false;
      }
    })
    .map(Number);
}

export async function startServer(port: number, env: Record<string, string> = {}): Promise<Server> {
  // KEYHOLD_BENCH_NODE_ARGS: options for the server's node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it.
  const nodeArgs = (process.env.KEYHOLD_BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  // KEYHOLD_BENCH_APP_DIR: another checkout's build to serve (an earlier commit, to compare before and after).
  const child: ChildProcess = spawn("node", [...nodeArgs, "scripts/start.mjs"], {
    cwd: process.env.KEYHOLD_BENCH_APP_DIR || undefined,
    env: {
      ...process.env,
      KEYHOLD_ADMIN_EMAIL: ADMIN.email,
      KEYHOLD_ADMIN_PASSWORD: ADMIN.password,
      PORT: String(port),
      KEYHOLD_DATA_DIR: mkdtempSync(path.join(tmpdir(), "keyhold-bench-")),
      KEYHOLD_CONFIG_FILE: "",
      DATABASE_URL: process.env.DATABASE_URL ?? "",
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("Keyhold is running") && resolve());
    child.on("exit", (code) => reject(new Error(`Keyhold exited with ${code}`)));
  });
  return {
    base: `http://localhost:${port}`,
    pid: child.pid!,
    peakRssMiB: () => {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
      return m ? Math.round(Number(m[1]) / 1024) : NaN;
    },
    cpuMs: () => processCpuMs(child.pid!),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGINT");
      }),
  };
}

/** The administrator, a tenant and a viewer of it. */
export async function prepareTenant(base: string, tenant: string): Promise<{ admin: ActionClient }> {
  const admin = await signedIn(base, ADMIN.email, ADMIN.password);
  await admin.must(...ACTIONS.createTenant, { slug: tenant, displayName: tenant });
  await admin.must(...ACTIONS.addUser, {
    tenant,
    email: VIEWER.email,
    name: "Bench viewer",
    password: VIEWER.password,
    role: "viewer",
    namespace: null,
  });
  return { admin };
}

export async function configureNamespace(admin: ActionClient, tenant: string, namespace: string, document: object) {
  await admin.must(...ACTIONS.createNamespace, { tenant, path: namespace });
  // Turning a manager on switches the namespace's backend: the save carries its preview's confirmation.
  const preview = await admin.call(...ACTIONS.previewSwitch, {
    tenant,
    namespace,
    enabled: true,
    keepCredentials: [],
    document,
  });
  if (!preview.ok) throw new Error(`previewing ${namespace}: ${JSON.stringify(preview.error)}`);
  const saved = await admin.call(...ACTIONS.saveConfig, {
    tenant,
    namespace,
    expectedVersion: null,
    enabled: true,
    keepCredentials: [],
    document,
    confirmSwitch: (preview.data as { confirmation?: string | null }).confirmation ?? undefined,
  });
  if (!saved.ok) throw new Error(`saving ${namespace}: ${JSON.stringify(saved.error)}`);
}

/** A read-only AWS configuration selecting the secrets named `<prefix>…` (filter-on-prefix, sent to ListSecrets). */
export const awsReadOnly = (endpoint: string, prefix: string) => ({
  type: "aws-secret-manager",
  "read-only": true,
  "aws-secret-manager": {
    "access-key-id": awsEnv().accessKeyId,
    "secret-key-id": awsEnv().secretAccessKey,
    region: awsEnv().region,
    "endpoint-override": endpoint,
    "filter-on-prefix": { prefix, "keep-prefix": false },
  },
});

/** A read-only Vault configuration over the entries under `secret/<folder>/`. */
export const vaultReadOnly = (address: string, folder: string) => ({
  type: "vault",
  "read-only": true,
  vault: { address, "secret-path-prefix": folder, token: { token: process.env.KEYHOLD_VAULT_TOKEN! } },
});

const aws = (endpoint = awsEnv().endpoint) =>
  new SecretsManagerClient({
    endpoint,
    region: awsEnv().region,
    credentials: { accessKeyId: awsEnv().accessKeyId, secretAccessKey: awsEnv().secretAccessKey },
  });

/** Every secret name under `prefix` in moto, by the SDK loop a script would write (the baseline of a scan). */
export async function directAwsScan(
  prefix: string,
  endpoint = awsEnv().endpoint,
): Promise<{ names: number; ms: number }> {
  const client = aws(endpoint);
  const started = performance.now();
  let names = 0;
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListSecretsCommand({ MaxResults: 100, NextToken: token, Filters: [{ Key: "name", Values: [prefix] }] }),
    );
    names += page.SecretList?.length ?? 0;
    token = page.NextToken;
  } while (token);
  const ms = performance.now() - started;
  client.destroy();
  return { names, ms };
}

/**
 * Retries a seeding call that moto or OpenBao answered with a server error (moto under load answers 5xx or an HTML
 * page the SDK cannot parse): a few times, backing off. Conflicts (already seeded) are not errors.
 */
export async function withRetries<T>(fn: () => Promise<T>, attempts = 6): Promise<T | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const error = e as Error & { $metadata?: { httpStatusCode?: number }; response?: { statusCode?: number } };
      if (error.name === "ResourceExistsException") return undefined;
      const status = error.$metadata?.httpStatusCode ?? error.response?.statusCode;
      const transient = !status || status >= 500 || status === 429;
      if (!transient || attempt >= attempts) throw error;
      await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
    }
  }
}

/**
 * `count` secrets named `<prefix>KEY_000000…` in moto, `concurrency` CreateSecret calls in flight. moto checks each new
 * name against every secret of the region (a linear scan: seeding is quadratic) and a call that inserts during another's
 * scan makes that one fail with a 500 HTML page; past about 20,000 secrets nearly every call races, so large sizes
 * seed with `--seed-concurrency 1` (no faster or slower: moto is one Python process).
 */
export async function seedAws(prefix: string, count: number, concurrency = 8): Promise<void> {
  if ((await directAwsScan(prefix)).names >= count) return;
  const client = aws();
  await eachLimit(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    (i) =>
      withRetries(() =>
        client.send(
          new CreateSecretCommand({
            Name: `${prefix}KEY_${String(i).padStart(6, "0")}`,
            SecretString: JSON.stringify({ user: "u", password: `p${i}` }),
            Tags: [{ Key: "team", Value: i % 2 ? "payments" : "ledger" }],
          }),
        ),
      ),
  );
  client.destroy();
}

const vault = (endpoint = process.env.KEYHOLD_VAULT_ADDR!) =>
  nodeVault({ endpoint, token: process.env.KEYHOLD_VAULT_TOKEN!, apiVersion: "v1" });

/** The entries under `secret/<folder>/`, by one LIST as a script would (the baseline of a scan). */
export async function directVaultScan(folder: string, endpoint?: string): Promise<{ names: number; ms: number }> {
  const started = performance.now();
  const names = await vault(endpoint)
    .list(`secret/metadata/${folder}`)
    .then(
      (r: { data: { keys: string[] } }) => r.data.keys.length,
      () => 0,
    );
  return { names, ms: performance.now() - started };
}

/**
 * The entries under `secret/<folder>/` with what a scan must know of each (field names, description, tags, time):
 * one LIST, then KV v2's subkeys endpoint per entry, `concurrency` in flight. The fair baseline of a KV v2 scan.
 */
export async function directVaultScanWithSubkeys(
  folder: string,
  concurrency = 16,
  endpoint?: string,
): Promise<{ names: number; ms: number }> {
  const v = vault(endpoint);
  const started = performance.now();
  const keys = await v.list(`secret/metadata/${folder}`).then(
    (r: { data: { keys: string[] } }) => r.data.keys,
    () => [] as string[],
  );
  let described = 0;
  await eachLimit(keys, concurrency, async (key) => {
    const r = (await v.read(`secret/subkeys/${folder}/${key}`)) as { data?: { subkeys?: object } };
    if (r.data?.subkeys) described++;
  });
  return { names: described, ms: performance.now() - started };
}

export async function seedVault(folder: string, count: number, concurrency = 32): Promise<void> {
  if ((await directVaultScan(folder)).names >= count) return;
  const v = vault();
  await eachLimit(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    (i) =>
      withRetries(() =>
        v.write(`secret/data/${folder}/KEY_${String(i).padStart(6, "0")}`, {
          data: { user: "u", password: `p${i}` },
        }),
      ),
  );
}

/** GET the namespace list route as `client`; returns the parsed body and the time it took. */
export async function timedList(client: ActionClient, tenant: string, namespace: string, query = "") {
  const started = performance.now();
  const response = await fetch(`${client.base}/api/tenants/${tenant}/namespaces/${namespace}/secrets${query}`, {
    headers: { Cookie: client.cookie },
  });
  const body = (await response.json()) as { total?: number; rows?: unknown[]; error?: { code: string } };
  return { ms: performance.now() - started, status: response.status, body };
}
