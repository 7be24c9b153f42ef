// Test kit for the fault suite (tests/faults) and its figures (scripts/bench/faults): one private server per backend
// (moto, OpenBao under a folder of its own, azure-kv-fake, gcp-sm-fake), seeded with more than one page of secrets,
// and Keyhold's adapter for it at any address (the server itself, Toxiproxy in front of it, a shim, a TLS front).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { grpc } from "google-gax";
import type { Attachment, SecretsBackend } from "../../../lib/backends/adapter";
import { parseConfigDocument, type ConfigDocument } from "../../../lib/backends/document";
import { createGcpDriver } from "../../../lib/backends/gcp/driver";
import { mapLimit } from "../../../lib/backends/page-budget";
import { createBackend } from "../../../lib/backends/registry";
import { createTaggedBackend } from "../../../lib/backends/tagged-adapter";
import { createEgressPolicy } from "../../../lib/net/egress";
import { emulatorEnv } from "../emulators";
import { gcpSeed, startFake, type FakeInstance } from "../backends/gcp";
import { document as vaultDocument, seed as vaultSeed, targets as vaultTargets, uniqueBase } from "../backends/vault";
import { startFaultShim, type FaultShim } from "../fault-shim";
import { freePort } from "../toxiproxy";

export const TENANT: Attachment = { tenant: "acme", namespace: null };
/** As a namespace's dedicated manager connects: through the egress policy (here allowing loopback), its own transport. */
export const DEDICATED = createEgressPolicy({ allow: ["127.0.0.0/8"] });
const LIB_SH = fileURLToPath(new URL("../../../scripts/emulators/lib.sh", import.meta.url));
const libSh = (fn: string) => execFileSync("bash", ["-c", `. "${LIB_SH}" && ${fn}`], { encoding: "utf8" }).trim();

export type TargetId = "aws" | "vault" | "azure" | "gcp";

/** How a test makes the backend throttle: armed on the server (the fakes) or on a shim in front of it (moto, OpenBao). */
export interface Throttler {
  /** Where the adapter must point to be throttled. */
  base: string;
  /** The next `count` list page requests after `skip` of them answer "too many requests" (with Retry-After seconds). */
  arm(rule: { skip: number; count: number; retryAfterSeconds?: number }): Promise<void>;
  /** List page requests seen since `arm`. */
  listCalls(): Promise<number>;
  clear(): Promise<void>;
}

export interface FaultTarget {
  id: TargetId;
  label: string;
  /** host:port of the server, for Toxiproxy's upstream. */
  upstream: string;
  /** The server's base URL (scheme, host, port). */
  direct: string;
  /** The base URL of something else at `hostPort`, same scheme as the server. */
  via(hostPort: string): string;
  /** Keyhold's adapter for the server at `base`; `ca` for a TLS front of the tests'. */
  backend(base: string, timeoutMs: number, ca?: string): SecretsBackend;
  /** Secrets a full scan returns, and the list page requests it takes. */
  seeded: number;
  pages: number;
  /** A base URL answering an HTML page, and one answering truncated JSON (or a truncated gRPC message). */
  htmlBase: string;
  truncatedBase: string;
  throttler: Throttler;
  /** The loopback shim in front of the server (moto, OpenBao): any request can be answered with a fault. */
  shim?: FaultShim;
  /** Whether the adapter can be given a CA (then "wrong name" is a trusted certificate for another name). */
  takesCa: boolean;
  close(): Promise<void>;
}

function parse(raw: Record<string, unknown>): ConfigDocument {
  const parsed = parseConfigDocument(raw, { unknownKeys: "error", incomplete: "warn" });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.document;
}

// --- AWS: a private moto_server, a shim in front of it for throttling and broken answers ---------------------------

// Three pages at least, for every target: the scan asks for the next page while the current one is written
// (lib/backends/tagged-adapter.ts), so a reset added after the first page must still meet the third.
const AWS_SEEDED = 210; // three ListSecrets pages of 100

async function waitFor(check: () => Promise<boolean>, what: string, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start within 30 s`);
}

// Servers this process started: stopped when it exits, even when a setup failed half-way.
const owned = new Set<ChildProcess>();
process.once("exit", () => owned.forEach((c) => c.kill("SIGTERM")));

function spawnOwned(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: "ignore" });
  owned.add(child);
  child.once("exit", () => owned.delete(child));
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode) return Promise.resolve();
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  return exited;
}

export async function awsTarget(): Promise<FaultTarget> {
  const port = await freePort();
  const direct = `http://127.0.0.1:${port}`;
  const child = spawnOwned(libSh("kh_moto_bin"), ["-H", "127.0.0.1", "-p", String(port)]);
  await waitFor(async () => (await fetch(`${direct}/moto-api/data.json`)).ok, "moto_server", child);
  const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
  const sdk = new SecretsManagerClient({ endpoint: direct, region: "us-east-1", credentials });
  await mapLimit(
    Array.from({ length: AWS_SEEDED }, (_, i) => i),
    16,
    (i) =>
      sdk.send(
        new CreateSecretCommand({
          Name: `fault/s${String(i).padStart(3, "0")}`,
          SecretString: "CANARY-fault",
          Tags: [
            { Key: "prefix", Value: "kestra" },
            { Key: "namespace", Value: "company" },
            { Key: "key", Value: `S${i}` },
          ],
        }),
      ),
  );
  sdk.destroy();
  const shim = await startFaultShim(direct);
  const html = await startFaultShim(direct);
  html.arm({ match: () => true, answer: "html" });
  const truncated = await startFaultShim(direct);
  truncated.arm({ match: () => true, answer: "truncated" });
  const isList = (headers: Record<string, unknown>) => headers["x-amz-target"] === "secretsmanager.ListSecrets";
  return {
    id: "aws",
    label: "AWS (moto)",
    upstream: `127.0.0.1:${port}`,
    direct,
    via: (hostPort) => `http://${hostPort}`,
    backend: (base, timeoutMs) =>
      createBackend({
        document: parse({
          type: "aws-secret-manager",
          "read-only": true,
          "aws-secret-manager": {
            region: "us-east-1",
            "endpoint-override": base,
            "access-key-id": credentials.accessKeyId,
            "secret-key-id": credentials.secretAccessKey,
          },
        }),
        attachment: TENANT,
        timeoutMs,
        egress: DEDICATED,
      }),
    seeded: AWS_SEEDED,
    pages: 3,
    htmlBase: html.url,
    truncatedBase: truncated.url,
    takesCa: false,
    throttler: shimThrottler(shim, (r) => isList(r.headers), "aws-throttle"),
    shim,
    async close() {
      await Promise.all([shim.close(), html.close(), truncated.close()]);
      await stopChild(child);
    },
  };
}

function shimThrottler(
  shim: FaultShim,
  match: Parameters<FaultShim["arm"]>[0]["match"],
  answer: "aws-throttle" | "http-429",
): Throttler {
  return {
    base: shim.url,
    async arm({ skip, count, retryAfterSeconds }) {
      shim.arm({ match, answer, skip, count, retryAfter: retryAfterSeconds ? String(retryAfterSeconds) : undefined });
    },
    listCalls: async () => shim.counts().matched,
    clear: async () => shim.clear(),
  };
}

// --- Vault: the shared OpenBao, under a folder of this run only ------------------------------------------------------

export async function vaultTarget(): Promise<FaultTarget> {
  const t = vaultTargets()[0];
  const base = uniqueBase("faults");
  // The scan pipelines its metadata requests up to two pages (400 entries) ahead of the page being written, reading
  // folder levels only as that window needs them (lib/backends/scan-pipeline.ts). So a reset after the first page
  // meets requests still to make only if the first two levels hold at least 400 entries and a third level remains:
  // four entries at the top, three folders of 136, and a folder of four below one of them (five LISTs).
  const sizes: [string, number][] = [
    ["", 4],
    ["alpha/", 136],
    ["beta/", 136],
    ["gamma/", 136],
    ["alpha/deep/", 4],
  ];
  await mapLimit(
    sizes.flatMap(([f, n]) => Array.from({ length: n }, (_, i) => `${base}/${f}s${i}`)),
    16,
    (rel) => vaultSeed(t, rel, { value: "CANARY-fault" }),
  );
  const direct = emulatorEnv("KEYHOLD_VAULT_ADDR");
  const upstream = new URL(direct).host;
  const shim = await startFaultShim(direct);
  const html = await startFaultShim(direct);
  html.arm({ match: () => true, answer: "html" });
  const truncated = await startFaultShim(direct);
  truncated.arm({ match: () => true, answer: "truncated" });
  const isList = (r: { method: string; url: string }) => r.method === "LIST" || /[?&]list=true/.test(r.url);
  return {
    id: "vault",
    label: "Vault (OpenBao)",
    upstream,
    direct,
    via: (hostPort) => `http://${hostPort}`,
    backend: (address, timeoutMs, ca) =>
      createBackend({
        document: vaultDocument(t, { address, "secret-path-prefix": base, ...(ca ? { "ca-certificate": ca } : {}) }),
        attachment: TENANT,
        timeoutMs,
        egress: DEDICATED,
      }),
    seeded: 416,
    pages: 5,
    htmlBase: html.url,
    truncatedBase: truncated.url,
    takesCa: true,
    throttler: shimThrottler(shim, isList, "http-429"),
    shim,
    async close() {
      await Promise.all([shim.close(), html.close(), truncated.close()]);
    },
  };
}

// --- Azure: a private azure-kv-fake (its /__fault control arms throttling and broken answers) -----------------------

const AZURE_SEEDED = 60; // three pages of 25
const APP = { clientId: "keyhold-fault-app", clientSecret: "CANARY-app-secret" };

export async function azureTarget(): Promise<FaultTarget> {
  execFileSync("bash", ["scripts/emulators/install.sh", "azure"], { stdio: ["ignore", "ignore", "inherit"] });
  const certDir = libSh("kh_azure_cert_dir");
  const ca = readFileSync(`${certDir}/cert.pem`, "utf8");
  const spawnFake = async (): Promise<{ child: ChildProcess; url: string }> => {
    const port = await freePort();
    const url = `https://127.0.0.1:${port}`;
    const child = spawnOwned(`${libSh("kh_fakes_dir")}/azure-kv-fake`, [
      "-addr",
      `127.0.0.1:${port}`,
      "-cert-dir",
      certDir,
    ]);
    await waitFor(() => control(url, ca, "GET", "/_keyhold/ping").then((s) => s < 300), "azure-kv-fake", child);
    return { child, url };
  };
  // The server under test, and two more whose every answer is broken (HTML, truncated JSON).
  const [main, html, truncated] = await Promise.all([spawnFake(), spawnFake(), spawnFake()]);
  await control(html.url, ca, "POST", "/__fault", { mode: "html", count: 1_000_000 });
  await control(truncated.url, ca, "POST", "/__fault", { mode: "truncated", count: 1_000_000 });
  // Seeded over plain HTTPS as the REST API takes it (the fake accepts any bearer token).
  await mapLimit(
    Array.from({ length: AZURE_SEEDED }, (_, i) => i),
    8,
    (i) =>
      controlText(main.url, ca, "PUT", `/secrets/fault-s${i}?api-version=7.5`, {
        value: "CANARY-fault",
        tags: { prefix: "kestra", namespace: "company", key: `S${i}` },
      }),
  );
  const tenantId = "00000000-0000-0000-0000-000000000000";
  return {
    id: "azure",
    label: "Azure Key Vault (fake)",
    upstream: new URL(main.url).host,
    direct: main.url,
    via: (hostPort) => `https://${hostPort}`,
    backend: (base, timeoutMs, caPem) =>
      createBackend({
        document: parse({
          type: "azure-key-vault",
          "read-only": true,
          "azure-key-vault": {
            "key-vault-uri": base,
            "authority-host": base,
            "ca-certificate": caPem ?? ca,
            "disable-challenge-resource-verification": true,
            clientSecret: { tenantId, ...APP },
          },
        }),
        attachment: TENANT,
        timeoutMs,
        egress: DEDICATED,
      }),
    seeded: AZURE_SEEDED,
    pages: 3,
    htmlBase: html.url,
    truncatedBase: truncated.url,
    takesCa: true,
    throttler: {
      base: main.url,
      async arm({ skip, count, retryAfterSeconds }) {
        await control(main.url, ca, "POST", "/__fault", {
          status: 429,
          skip,
          count,
          match: "/secrets",
          method: "GET",
          ...(retryAfterSeconds ? { retryAfter: String(retryAfterSeconds) } : {}),
        });
      },
      listCalls: async () => {
        const counts = JSON.parse(await controlText(main.url, ca, "GET", "/__fault")) as { seen: number };
        return counts.seen;
      },
      clear: () => control(main.url, ca, "DELETE", "/__fault").then(() => undefined),
    },
    async close() {
      await Promise.all([main, html, truncated].map((f) => stopChild(f.child)));
    },
  };
}

async function controlText(base: string, ca: string, method: string, path: string, body?: unknown): Promise<string> {
  const https = await import("node:https");
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(path, base),
      { method, ca, headers: { Authorization: "Bearer keyhold-test", "Content-Type": "application/json" } },
      (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () =>
          (res.statusCode ?? 500) < 300 ? resolve(text) : reject(new Error(`${method} ${path}: ${res.statusCode}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const control = (base: string, ca: string, method: string, path: string, body?: unknown) =>
  controlText(base, ca, method, path, body).then(() => 200);

// --- Google: a private gcp-sm-fake (faults armed through its health service's metadata) ----------------------------

const GCP_SEEDED = 25;
const GCP_PAGE = 10; // three ListSecrets pages

export async function gcpTarget(): Promise<FaultTarget> {
  const fake: FakeInstance = await startFake([]);
  const project = "keyhold-test";
  await mapLimit(
    Array.from({ length: GCP_SEEDED }, (_, i) => i),
    8,
    (i) =>
      gcpSeed(fake.client, project, `fault-s${i}`, "CANARY-fault", {
        prefix: "kestra",
        namespace: "company",
        key: `S${i}`,
      }),
  );
  const broken = await import("./grpc-broken");
  const html = await broken.htmlServer();
  const truncated = await broken.truncatedGrpcServer();
  const health = new grpc.Client(`127.0.0.1:${fake.port}`, grpc.credentials.createInsecure());
  const healthCheck = (rule?: unknown) =>
    new Promise<string>((resolve, reject) => {
      const metadata = new grpc.Metadata();
      if (rule !== undefined) metadata.set("x-keyhold-fault", JSON.stringify(rule));
      let counts = "{}";
      const call = health.makeUnaryRequest(
        "/grpc.health.v1.Health/Check",
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.alloc(0),
        metadata,
        (error) => (error ? reject(error) : resolve(counts)),
      );
      call.on("metadata", (md: grpc.Metadata) => (counts = String(md.get("x-keyhold-fault-counts")[0] ?? "{}")));
    });
  return {
    id: "gcp",
    label: "Google Secret Manager (fake)",
    upstream: `127.0.0.1:${fake.port}`,
    direct: `http://127.0.0.1:${fake.port}`,
    via: (hostPort) => `http://${hostPort}`,
    backend: (base, timeoutMs, ca) => {
      const ctx = {
        document: parse({
          type: "google-secret-manager",
          "read-only": true,
          "google-secret-manager": {
            project,
            "endpoint-override": base,
            ...(ca ? { "ca-certificate": ca } : {}),
          },
        }),
        attachment: TENANT,
        timeoutMs,
        egress: DEDICATED,
      };
      return createTaggedBackend(createGcpDriver(ctx, { pageSize: GCP_PAGE }), ctx);
    },
    seeded: GCP_SEEDED,
    pages: Math.ceil(GCP_SEEDED / GCP_PAGE),
    htmlBase: `http://127.0.0.1:${html.port}`,
    truncatedBase: `http://127.0.0.1:${truncated.port}`,
    takesCa: true,
    throttler: {
      base: `http://127.0.0.1:${fake.port}`,
      async arm({ skip, count, retryAfterSeconds }) {
        await healthCheck({ method: "ListSecrets", skip, count, retryAfterSeconds: retryAfterSeconds ?? 0 });
      },
      listCalls: async () => (JSON.parse(await healthCheck()) as { seen: number }).seen,
      clear: () => healthCheck({}).then(() => undefined),
    },
    async close() {
      health.close();
      html.close();
      truncated.close();
      await fake.stop();
    },
  };
}

export const TARGETS: Record<TargetId, () => Promise<FaultTarget>> = {
  aws: awsTarget,
  vault: vaultTarget,
  azure: azureTarget,
  gcp: gcpTarget,
};
