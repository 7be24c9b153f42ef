// Test-only: direct Secret Manager access to the emulator (its seeder), extra gcp-sm-fake instances with the
// service's stricter checks, a TLS front for them, and sockets that fail in chosen ways.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash, generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import tls from "node:tls";
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { grpc } from "google-gax";
import type { Attachment, SecretsBackend } from "../../../lib/backends/adapter";
import type { ConfigDocument } from "../../../lib/backends/document";
import type { BackendSeeder } from "./seeder";

type Sdk = SecretManagerServiceClient;

/** Everything the harness and the GCP-specific tests share, filled in gcp.emulator.test.ts's beforeAll. */
export interface GcpWorld {
  port: number;
  project: string;
  /** A document for the shared emulator (plaintext), `section` merged in. */
  doc(section?: Record<string, unknown>, readOnly?: boolean): ConfigDocument;
  backend(document: ConfigDocument, attachment?: Attachment): SecretsBackend;
  client: Sdk;
  /** -projects keyhold-test -disabled-projects api-off-project */
  strict: FakeInstance;
  /** -service-accounts keyhold-test@…, reached over TLS through `front` */
  authed: FakeInstance;
  /** -ignore-list-options, as localgcp behaves */
  localgcp: FakeInstance;
  front: TlsFront;
  /** A valid service-account key of the account `authed` knows. */
  key: string;
  seedWith(
    client: Sdk,
    project: string,
    id: string,
    value: string,
    tags?: Record<string, string>,
    description?: string,
  ): Promise<void>;
  clearWith(client: Sdk, project: string): Promise<void>;
}

/** A plaintext SDK client, the way docs/emulators.md connects to the fake. */
export function sdkClient(port: number, host = "127.0.0.1"): SecretManagerServiceClient {
  return new SecretManagerServiceClient({
    apiEndpoint: host,
    port,
    sslCreds: grpc.credentials.createInsecure(),
    universeDomain: "googleapis.com",
  });
}

const DESCRIPTION = "keyhold-description";
const LABEL_SAFE = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

/** Creates a secret as a GCP user would: label-safe tags as labels, the others (and the description) as annotations. */
export async function gcpSeed(
  client: Sdk,
  project: string,
  id: string,
  value: string,
  tags: Record<string, string> = {},
  description?: string,
): Promise<void> {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) (LABEL_SAFE.test(k) && LABEL_VALUE.test(v) ? labels : annotations)[k] = v;
  if (description) annotations[DESCRIPTION] = description;
  const [secret] = await client.createSecret({
    parent: `projects/${project}`,
    secretId: id,
    secret: { replication: { automatic: {} }, labels, annotations },
  });
  await client.addSecretVersion({ parent: secret.name, payload: { data: Buffer.from(value) } });
}

/** Deletes every secret of the project. */
export async function gcpClear(client: Sdk, project: string): Promise<void> {
  const [secrets] = await client.listSecrets({ parent: `projects/${project}` });
  await Promise.all(secrets.map((s) => client.deleteSecret({ name: s.name })));
}

// Secret ids allow only letters, digits, '_' and '-': other characters (e2e's path-like '/') are seeded as '-'.
const secretId = (name: string) => name.replace(/[^A-Za-z0-9_-]/g, "-");

/** The emulator's project, seeded and inspected through the SDK; tags read back are labels and annotations merged. */
export const gcpSeeder = (client: Sdk, project: string): BackendSeeder => ({
  seed: (name, value, tags, description) => gcpSeed(client, project, secretId(name), value, tags, description),
  async inspect(name) {
    const secretName = `projects/${project}/secrets/${name}`;
    const found = await client.getSecret({ name: secretName }).then(
      ([s]) => s,
      (e: { code?: number }) => (e.code === 5 ? null : Promise.reject(e)),
    );
    if (!found) return null;
    const [access] = await client.accessSecretVersion({ name: `${secretName}/versions/latest` });
    const tags: Record<string, string> = { ...(found.labels ?? {}), ...(found.annotations ?? {}) };
    delete tags[DESCRIPTION];
    return {
      value: Buffer.from(access.payload!.data as Uint8Array).toString("utf8"),
      tags,
      description: found.annotations?.[DESCRIPTION] ?? null,
    };
  },
  async names() {
    const [secrets] = await client.listSecrets({ parent: `projects/${project}` });
    return secrets.map((s) => String(s.name).split("/").pop()!).sort();
  },
  clear: () => gcpClear(client, project),
});

export const TEST_ACCOUNT = "keyhold-test@keyhold-test.iam.gserviceaccount.com";

/**
 * A freshly generated service-account key. Its token_uri is Google's real one on purpose: the
 * loopback guard fails the tests if anything ever tries to reach it.
 */
export function serviceAccountKey(email = TEST_ACCOUNT, privateKey?: string): string {
  const key =
    privateKey ??
    generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return JSON.stringify({
    type: "service_account",
    project_id: "keyhold-test",
    private_key_id: "0123456789abcdef",
    private_key: key,
    client_email: email,
    client_id: "100000000000000000001",
    token_uri: "https://oauth2.googleapis.com/token",
  });
}

export interface FakeInstance {
  port: number;
  client: SecretManagerServiceClient;
  /** Methods the fake served (`AccessSecretVersion`), when started with `-v`, which logs every call. */
  calls: string[];
  stop(): Promise<void>;
}

let binary: string | null = null;

// Built from this checkout's sources (the shared emulator cache may hold another checkout's build,
// and its installer deletes builds it does not recognise), once per version of the sources.
function fakeBinary(): string {
  if (binary) return binary;
  const sources = path.resolve("scripts/emulators/fakes");
  const hash = createHash("sha256");
  for (const file of [
    "go.mod",
    "go.sum",
    ...readdirSync(path.join(sources, "cmd/gcp-sm-fake"))
      .sort()
      .map((f) => `cmd/gcp-sm-fake/${f}`),
  ]) {
    hash.update(file).update(readFileSync(path.join(sources, file)));
  }
  const dir = path.join(tmpdir(), "keyhold-gcp-fake");
  const target = path.join(dir, `gcp-sm-fake-${hash.digest("hex").slice(0, 16)}`);
  if (!existsSync(target)) {
    mkdirSync(dir, { recursive: true });
    for (const old of readdirSync(dir).filter((f) => f.startsWith("gcp-sm-fake-")))
      rmSync(path.join(dir, old), { force: true });
    const build = mkdtempSync(path.join(dir, ".build-"));
    execFileSync(process.env.KEYHOLD_GO ?? "go", ["build", "-trimpath", "-o", build, "./cmd/gcp-sm-fake"], {
      cwd: sources,
      env: { ...process.env, CGO_ENABLED: "0" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    renameSync(path.join(build, "gcp-sm-fake"), target); // atomic: a concurrent worker never runs half a file
    rmSync(build, { recursive: true, force: true });
  }
  binary = target;
  return binary;
}

/** Starts a private gcp-sm-fake on a free loopback port with extra flags. */
export async function startFake(args: string[]): Promise<FakeInstance> {
  const child: ChildProcess = spawn(fakeBinary(), ["-addr", "127.0.0.1:0", ...args], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const calls: string[] = [];
  let pending = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      const m = /\/google\.cloud\.secretmanager\.v1\.SecretManagerService\/(\w+) -> /.exec(line);
      if (m) calls.push(m[1]);
    }
  });
  const port = await new Promise<number>((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error(`gcp-sm-fake did not start: ${log}`)), 10_000);
    child.once("error", reject);
    child.stderr?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  const client = sdkClient(port);
  return {
    port,
    client,
    calls,
    async stop() {
      await client.close();
      child.kill();
    },
  };
}

export interface TlsFront {
  port: number;
  /** PEM of the self-signed certificate (its own CA). */
  ca: string;
  close(): void;
}

/** Terminates TLS (ALPN h2) with a throw-away self-signed certificate and forwards to a plaintext port. */
export async function tlsFront(
  targetPort: number,
  name: { cn: string; san: string } = { cn: "127.0.0.1", san: "IP:127.0.0.1" },
): Promise<TlsFront> {
  const dir = mkdtempSync(path.join(tmpdir(), "keyhold-gcp-tls-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
        "-subj",
        `/CN=${name.cn}`,
        "-addext",
        `subjectAltName=${name.san}`,
        "-addext",
        "basicConstraints=critical,CA:true",
        "-keyout",
        path.join(dir, "key.pem"),
        "-out",
        path.join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    const ca = readFileSync(path.join(dir, "cert.pem"), "utf8");
    const server = tls.createServer(
      { key: readFileSync(path.join(dir, "key.pem")), cert: ca, ALPNProtocols: ["h2"] },
      (socket) => {
        const upstream = net.connect(targetPort, "127.0.0.1");
        socket.pipe(upstream).pipe(socket);
        socket.on("error", () => upstream.destroy());
        upstream.on("error", () => socket.destroy());
      },
    );
    const port = await listen(server);
    return { port, ca, close: () => server.close() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as net.AddressInfo).port;
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP server that accepts connections and never answers. */
export async function silentServer(): Promise<{ port: number; close(): void }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => void sockets.push(s));
  const port = await listen(server);
  return { port, close: () => (sockets.forEach((s) => s.destroy()), server.close()) };
}
