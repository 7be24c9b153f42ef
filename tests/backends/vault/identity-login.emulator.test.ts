import { execFileSync } from "node:child_process";
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEgressPolicy } from "../../../lib/net/egress";
import { parseConfigDocument } from "../../../lib/backends/document";
import { createVaultBackend } from "../../../lib/backends/vault/adapter";
import { emulatorEnv, emulatorsDisabled } from "../../support/emulators";
import { env, failure, guardLoopback, root } from "../../support/backends/vault";

// JWT/OIDC role login and Kubernetes auth against OpenBao's own methods: the JWT method validates with static keys
// this test generates; the Kubernetes method asks a TokenReview endpoint this test serves on loopback.

guardLoopback();

const run = `${process.pid}-${Date.now().toString(36)}`;
const JWT_MOUNT = `kh-jwt-${run}`;
const K8S_MOUNT = `kh-k8s-${run}`;
// 0: a port the system chooses (KEYHOLD_TEST_TOKENREVIEW_PORT pins one).
let REVIEW_PORT = Number(process.env.KEYHOLD_TEST_TOKENREVIEW_PORT ?? 0);
const SA = { namespace: "keyhold-ns", name: "keyhold", uid: "6c1b8e0a-0000-4000-8000-000000000001" };

const b64 = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
function jwt(key: KeyObject, claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const head = `${b64({ alg: "RS256", typ: "JWT" })}.${b64({ iat: now, nbf: now - 5, exp: now + 600, ...claims })}`;
  return `${head}.${sign("sha256", Buffer.from(head), key).toString("base64url")}`;
}

const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const otherKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwtClaims = { iss: "https://issuer.keyhold.test", sub: "keyhold-acme", aud: "keyhold" };
const saClaims = {
  iss: "kubernetes/serviceaccount",
  sub: `system:serviceaccount:${SA.namespace}:${SA.name}`,
  "kubernetes.io/serviceaccount/namespace": SA.namespace,
  "kubernetes.io/serviceaccount/service-account.name": SA.name,
  "kubernetes.io/serviceaccount/service-account.uid": SA.uid,
};
const saToken = jwt(keys.privateKey, saClaims);
/** Same claims, another signature: only the TokenReview tells it apart. */
const forgedSaToken = jwt(otherKeys.privateKey, saClaims);

function selfSignedCa(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "kh-k8s-ca-"));
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
        "/CN=kh-test-k8s",
        "-keyout",
        path.join(dir, "key.pem"),
        "-out",
        path.join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    return readFileSync(path.join(dir, "cert.pem"), "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let review: http.Server;
const reviews: { token: string; authorization: string | undefined }[] = [];
let dirs = "";
const savedDirs = process.env.KEYHOLD_TOKEN_FILE_DIRS;

function doc(section: Record<string, unknown>) {
  const parsed = parseConfigDocument(
    { type: "vault", "read-only": true, vault: { address: env.addr, "root-engine": "secret", ...section } },
    { unknownKeys: "error" },
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.document;
}
const vaultPort = () => new URL(env.addr).port;
/** A dedicated manager of tenant acme: the egress policy lets it reach OpenBao only, token files follow the instance's directories. */
const dedicated = (section: Record<string, unknown>) =>
  createVaultBackend({
    document: doc(section),
    attachment: { tenant: "acme", namespace: null },
    egress: createEgressPolicy({ allow: [`127.0.0.1:${vaultPort()}`] }),
  });

beforeAll(async () => {
  if (emulatorsDisabled) return;
  const c = root();
  const policy = emulatorEnv("KEYHOLD_VAULT_POLICY");
  await c.write(`sys/auth/${JWT_MOUNT}`, { type: "jwt" });
  await c.write(`auth/${JWT_MOUNT}/config`, {
    jwt_validation_pubkeys: [keys.publicKey.export({ type: "spki", format: "pem" })],
    bound_issuer: jwtClaims.iss,
  });
  await c.write(`auth/${JWT_MOUNT}/role/keyhold`, {
    role_type: "jwt",
    bound_audiences: ["keyhold"],
    bound_subject: jwtClaims.sub,
    user_claim: "sub",
    token_policies: [policy],
    token_ttl: "10m",
  });

  review = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const token = (JSON.parse(body || "{}") as { spec?: { token?: string } }).spec?.token ?? "";
      reviews.push({ token, authorization: req.headers.authorization });
      const ok = req.url === "/apis/authentication.k8s.io/v1/tokenreviews" && token === saToken;
      res.writeHead(201, { "content-type": "application/json" }).end(
        JSON.stringify({
          kind: "TokenReview",
          apiVersion: "authentication.k8s.io/v1",
          status: ok
            ? {
                authenticated: true,
                user: {
                  username: `system:serviceaccount:${SA.namespace}:${SA.name}`,
                  uid: SA.uid,
                  groups: ["system:serviceaccounts", `system:serviceaccounts:${SA.namespace}`],
                },
              }
            : { authenticated: false, error: "invalid bearer token" },
        }),
      );
    });
  });
  await new Promise<void>((r) => review.listen(REVIEW_PORT, "127.0.0.1", r));
  REVIEW_PORT = (review.address() as AddressInfo).port;
  await c.write(`sys/auth/${K8S_MOUNT}`, { type: "kubernetes" });
  await c.write(`auth/${K8S_MOUNT}/config`, {
    kubernetes_host: `http://127.0.0.1:${REVIEW_PORT}`,
    // OpenBao wants a CA once it stops reading the pod's own files; the TokenReview endpoint is plain HTTP, so it is never used.
    kubernetes_ca_cert: selfSignedCa(),
    disable_local_ca_jwt: true,
  });
  await c.write(`auth/${K8S_MOUNT}/role/keyhold`, {
    bound_service_account_names: [SA.name],
    bound_service_account_namespaces: [SA.namespace],
    token_policies: [policy],
    token_ttl: "10m",
  });

  dirs = mkdtempSync(path.join(tmpdir(), "kh-token-files-"));
  mkdirSync(path.join(dirs, "acme"));
  mkdirSync(path.join(dirs, "globex"));
  writeFileSync(path.join(dirs, "acme", "vault-jwt"), `${jwt(keys.privateKey, jwtClaims)}\n`);
  writeFileSync(path.join(dirs, "acme", "sa-token"), saToken);
  writeFileSync(path.join(dirs, "acme", "forged-sa-token"), forgedSaToken);
  writeFileSync(path.join(dirs, "globex", "vault-jwt"), jwt(keys.privateKey, jwtClaims));
  symlinkSync(path.join(dirs, "globex", "vault-jwt"), path.join(dirs, "acme", "escape"));
});

afterEach(() => {
  process.env.KEYHOLD_TOKEN_FILE_DIRS = `${dirs}/{tenant}`;
});

afterAll(async () => {
  if (emulatorsDisabled) return;
  if (savedDirs === undefined) delete process.env.KEYHOLD_TOKEN_FILE_DIRS;
  else process.env.KEYHOLD_TOKEN_FILE_DIRS = savedDirs;
  await root()
    .delete(`sys/auth/${JWT_MOUNT}`)
    .catch(() => undefined);
  await root()
    .delete(`sys/auth/${K8S_MOUNT}`)
    .catch(() => undefined);
  await new Promise((r) => review?.close(r));
  if (dirs) rmSync(dirs, { recursive: true, force: true });
});

describe.skipIf(emulatorsDisabled)("Vault JWT/OIDC role login (OpenBao jwt method, static keys)", () => {
  it("logs in with a JWT given in the configuration and gets the role's policy", async () => {
    const backend = createVaultBackend({
      document: doc({ jwt: { path: JWT_MOUNT, role: "keyhold", token: jwt(keys.privateKey, jwtClaims) } }),
      attachment: { tenant: null, namespace: null },
    });
    const result = await backend.verify();
    expect(result.status).toBe("ok");
  });

  it("refuses a JWT signed by another key as unauthenticated, naming the mount", async () => {
    const backend = createVaultBackend({
      document: doc({ jwt: { path: JWT_MOUNT, role: "keyhold", token: jwt(otherKeys.privateKey, jwtClaims) } }),
      attachment: { tenant: null, namespace: null },
    });
    const e = await failure(backend.verify());
    expect(e.code).toBe("unauthenticated");
    expect(e.message).toContain(`auth/${JWT_MOUNT}`);
  });

  it("reads the JWT from a token file inside the tenant's allowed directory", async () => {
    process.env.KEYHOLD_TOKEN_FILE_DIRS = `${dirs}/{tenant}`;
    const backend = dedicated({
      jwt: { path: JWT_MOUNT, role: "keyhold", "token-file": path.join(dirs, "acme", "vault-jwt") },
    });
    expect((await backend.verify()).status).toBe("ok");
  });

  it("refuses another tenant's token file, a symbolic link leading out, and any file when no directory is allowed", async () => {
    process.env.KEYHOLD_TOKEN_FILE_DIRS = `${dirs}/{tenant}`;
    const other = await failure(
      dedicated({
        jwt: { path: JWT_MOUNT, role: "keyhold", "token-file": path.join(dirs, "globex", "vault-jwt") },
      }).verify(),
    );
    expect(other.code).toBe("forbidden");
    expect(other.message).not.toContain(dirs);
    const escape = await failure(
      dedicated({
        jwt: { path: JWT_MOUNT, role: "keyhold", "token-file": path.join(dirs, "acme", "escape") },
      }).verify(),
    );
    expect(escape.code).toBe("forbidden");
    delete process.env.KEYHOLD_TOKEN_FILE_DIRS;
    const none = await failure(
      dedicated({
        jwt: { path: JWT_MOUNT, role: "keyhold", "token-file": path.join(dirs, "acme", "vault-jwt") },
      }).verify(),
    );
    expect(none.code).toBe("forbidden");
    expect(none.message).toContain("KEYHOLD_TOKEN_FILE_DIRS");
  });
});

describe.skipIf(emulatorsDisabled)("Vault Kubernetes auth (OpenBao kubernetes method, TokenReview on loopback)", () => {
  it("logs in with the service account token file: OpenBao reviews that token at the test's TokenReview endpoint", async () => {
    process.env.KEYHOLD_TOKEN_FILE_DIRS = `${dirs}/{tenant}`;
    reviews.length = 0;
    const backend = dedicated({
      kubernetes: { path: K8S_MOUNT, role: "keyhold", "token-file": path.join(dirs, "acme", "sa-token") },
    });
    expect((await backend.verify()).status).toBe("ok");
    expect(reviews.map((r) => r.token)).toContain(saToken);
  });

  it("is refused when the TokenReview does not authenticate the token", async () => {
    const backend = createVaultBackend({
      document: doc({
        kubernetes: { path: K8S_MOUNT, role: "keyhold", "token-file": path.join(dirs, "acme", "forged-sa-token") },
      }),
      attachment: { tenant: null, namespace: null },
    });
    reviews.length = 0;
    const e = await failure(backend.verify());
    expect(e.code).toBe("unauthenticated");
    expect(reviews.map((r) => r.token)).toEqual([forgedSaToken]);
  });
});
