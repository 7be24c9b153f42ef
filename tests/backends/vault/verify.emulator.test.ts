import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net, { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConfigDocument } from "../../../lib/backends/document";
import { emulatorsDisabled } from "../../support/emulators";
import {
  backend,
  cleanup,
  document,
  env,
  failure,
  guardLoopback,
  inspect,
  root,
  TENANT,
  targets,
  tree,
  uniqueBase,
  type Target,
} from "../../support/backends/vault";

guardLoopback();

const closers: (() => void)[] = [];
let certDir = "";
let caPem = "";
let tlsAddress = "";
let hangAddress = "";
let closedAddress = "";
const forbiddenMount = uniqueBase("forbidden").replace(/\//g, "-");
const nsUser = { username: "kh-ns-user", password: "kh-ns-password" };

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  closers.push(() => server.close());
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  if (emulatorsDisabled) return;
  // A TLS front for OpenBao with a self-signed certificate: trusted only through ca-certificate.
  certDir = mkdtempSync(path.join(tmpdir(), "kh-vault-tls-"));
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
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      path.join(certDir, "key.pem"),
      "-out",
      path.join(certDir, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
  caPem = readFileSync(path.join(certDir, "cert.pem"), "utf8").trim();
  const vaultPort = Number(new URL(env.addr).port);
  const front = tls.createServer({ key: readFileSync(path.join(certDir, "key.pem")), cert: caPem }, (socket) => {
    const upstream = net.connect(vaultPort, "127.0.0.1");
    socket.pipe(upstream).pipe(socket);
    socket.on("error", () => upstream.destroy());
    upstream.on("error", () => socket.destroy());
  });
  tlsAddress = `https://127.0.0.1:${await listen(front)}`;
  const sockets: net.Socket[] = [];
  const hang = net.createServer((s) => sockets.push(s)); // accepts, never answers
  closers.push(() => sockets.forEach((s) => s.destroy()));
  hangAddress = `http://127.0.0.1:${await listen(hang)}`;
  const probe = net.createServer();
  const port = await listen(probe);
  probe.close();
  closedAddress = `http://127.0.0.1:${port}`;

  const r = root();
  await r.write(`sys/mounts/${forbiddenMount}`, { type: "kv", options: { version: "2" } }); // outside the keyhold policy
  // userpass inside team-ns, as an administrator of that namespace would set it up.
  const ns = root(env.namespace);
  await ns
    .write("sys/auth/userpass", { type: "userpass" })
    .catch((e) => (/already in use/.test(e.message) ? null : Promise.reject(e)));
  await ns.write("sys/policies/acl/kh-ns", {
    policy: 'path "secret/*" { capabilities = ["create", "read", "update", "delete", "list"] }',
  });
  await ns.write(`auth/userpass/users/${nsUser.username}`, { password: nsUser.password, token_policies: "kh-ns" });
});

afterAll(async () => {
  closers.forEach((c) => c());
  if (certDir) rmSync(certDir, { recursive: true, force: true });
  if (!emulatorsDisabled) {
    await root().delete(`sys/mounts/${forbiddenMount}`);
    await root(env.namespace).delete("sys/auth/userpass");
    await root(env.namespace).delete("sys/policies/acl/kh-ns");
    for (const t of targets()) await cleanup(t);
  }
});

const kv2 = (): Target => targets()[0];
const withAuth = (
  t: Target,
  auth: Record<string, unknown>,
  section: Record<string, unknown> = {},
  readOnly = true,
): ConfigDocument => document(t, { ...section, ...auth }, readOnly);
const userpass = () => ({ password: { user: env.username, password: env.password } });
const approle = () => ({ "app-role": { "role-id": env.roleId, "secret-id": env.secretId } });

describe.skipIf(emulatorsDisabled)("vault verify", () => {
  it.each(targets())("answers ok for $name with what was checked", async (t) => {
    const result = await backend(document(t)).verify();
    expect(result).toMatchObject({ status: "ok" });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.checked).toBe(
      `mount ${t.mount}/ (kv v${t.version})${t.namespace ? ` in namespace ${t.namespace}` : ""} reachable as root`,
    );
  });

  it("names the folder and the login's policies", async () => {
    const result = await backend(withAuth(kv2(), userpass(), { "secret-path-prefix": "app1" })).verify();
    expect(result.checked).toBe("mount secret/ (kv v2), folder secret/app1/ reachable as default, keyhold");
    expect((await backend(withAuth(targets()[1], approle())).verify()).checked).toBe(
      "mount kv1/ (kv v1) reachable as default, keyhold",
    );
  });

  it("accepts a valid token that may not look itself up, and tells it from an unknown one", async () => {
    const t = kv2();
    const base = uniqueBase("no-default");
    const r = root();
    await r.write("sys/policies/acl/kh-list-only", {
      policy: `path "secret/metadata/${base}/*" { capabilities = ["list"] }`,
    });
    // A client of its own: node-vault switches to the token a tokenCreate answers.
    const token = async () =>
      (await root().tokenCreate({ policies: ["kh-list-only"], no_default_policy: true, ttl: "5m" })).auth
        .client_token as string;
    try {
      const ok = await backend(document(t, { token: { token: await token() }, "secret-path-prefix": base })).verify();
      expect(ok.checked).toBe(
        `mount secret/ (kv v2), folder secret/${base}/ reachable as a token that may not look itself up`,
      );
      expect((await failure(backend(document(t, { token: { token: await token() } })).verify())).code).toBe(
        "forbidden",
      );
    } finally {
      await r.delete("sys/policies/acl/kh-list-only");
    }
  });

  it("trusts a private CA given as ca-certificate", async () => {
    const result = await backend(document(kv2(), { address: tlsAddress, "ca-certificate": caPem })).verify();
    expect(result.checked).toContain("mount secret/");
  });

  it("names each failure with its code and never a credential", async () => {
    const t = kv2();
    const cases: [string, ConfigDocument, number?][] = [
      ["unauthenticated", document(t, { token: { token: "hvs.CANARYtokenTOKEN" } })],
      ["unauthenticated", withAuth(t, { password: { user: env.username, password: "CANARY-password" } })],
      ["unauthenticated", withAuth(t, { "app-role": { "role-id": env.roleId, "secret-id": "CANARY-secret-id" } })],
      [
        "unauthenticated",
        withAuth(t, { "app-role": { path: "kh-no-such-approle", "role-id": env.roleId, "secret-id": env.secretId } }),
      ],
      // Logins happen in the configured namespace, where the root namespace's userpass does not exist.
      ["unauthenticated", withAuth(targets()[2], userpass())],
      ["forbidden", withAuth(t, userpass(), { "root-engine": forbiddenMount })],
      ["forbidden", withAuth(t, approle(), { "root-engine": forbiddenMount, "secret-path-prefix": "app1" })],
      ["invalid-config", withAuth(t, approle(), { "root-engine": "sys" })],
      ["not-found", document(t, { "root-engine": "kh-no-such-engine" })],
      ["not-found", document(t, { namespace: "kh-no-such-namespace" })],
      ["invalid-config", document(targets()[1], { "engine-version": 2 })],
      ["invalid-config", document(t, { "engine-version": 1 })],
      ["invalid-config", document(t, { "root-engine": "cubbyhole" })],
      ["unreachable", document(t, { address: closedAddress })],
      ["timeout", document(t, { address: hangAddress }), 800],
      ["tls", document(t, { address: env.addr.replace("http:", "https:") })],
      ["tls", document(t, { address: tlsAddress })],
    ];
    for (const [code, doc, timeoutMs] of cases) {
      const started = Date.now();
      const e = await failure(backend(doc, TENANT, timeoutMs).verify());
      expect({ code: e.code, message: e.message }, JSON.stringify(doc.vault)).toMatchObject({ code });
      expect(e.message.length).toBeLessThanOrEqual(400);
      expect(e.message).not.toContain("CANARY");
      expect(e.message).not.toContain(env.rootToken);
      expect(Date.now() - started).toBeLessThan(5_000);
    }
  }, 60_000);

  it("stops at the default 5 s deadline when nothing answers", async () => {
    const started = Date.now();
    expect((await failure(backend(document(kv2(), { address: hangAddress })).verify())).code).toBe("timeout");
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
    expect(Date.now() - started).toBeLessThan(7_000);
  }, 15_000);
});

describe.skipIf(emulatorsDisabled)("vault auth methods for secrets", () => {
  it.each([
    ["userpass", userpass],
    ["approle", approle],
  ])("%s lists, reads, writes and deletes with its login token", async (_name, auth) => {
    const t = kv2();
    const base = uniqueBase("auth");
    const managed = backend(withAuth(t, auth(), { "secret-path-prefix": base }, false));
    await managed.write({ tenant: "acme", namespace: "company", key: "DB", value: "v1", description: "d" });
    expect(await inspect(t, `${base}/acme/company/DB`)).toMatchObject({
      fields: { value: "v1" },
      custom: { description: "d" },
    });
    expect((await managed.list({ tenant: "acme", namespace: "company" })).items.map((s) => s.key)).toEqual(["DB"]);
    const readOnly = backend(withAuth(t, auth(), { "secret-path-prefix": `${base}/acme` }));
    expect((await readOnly.list({ tenant: "acme", namespace: "x" })).items.map((s) => s.key)).toEqual(["company/DB"]);
    expect(await readOnly.read({ tenant: "acme", namespace: "x", key: "company/DB" })).toBe("v1");
    await managed.delete({ tenant: "acme", namespace: "company", key: "DB" });
    expect(await tree(t, base)).toEqual({});
  });

  it("logs in again when Vault revoked the kept login token", async () => {
    const t = kv2();
    const base = uniqueBase("revoked");
    const b = backend(withAuth(t, approle(), { "secret-path-prefix": base }, false));
    await b.write({ tenant: "acme", namespace: "company", key: "A", value: "1" });
    await root().write("sys/leases/revoke-prefix/auth/approle/login", {});
    await b.write({ tenant: "acme", namespace: "company", key: "B", value: "2" });
    expect(Object.keys(await tree(t, base)).sort()).toEqual([`${base}/acme/company/A`, `${base}/acme/company/B`]);
  });

  it("logs in inside the configured namespace", async () => {
    const t = targets()[2];
    const base = uniqueBase("ns-login");
    const b = backend(
      withAuth(
        t,
        { password: { user: nsUser.username, password: nsUser.password } },
        { "secret-path-prefix": base },
        false,
      ),
    );
    expect((await b.verify()).checked).toBe(
      `mount secret/ (kv v2), folder secret/${base}/ in namespace ${env.namespace} reachable as default, kh-ns`,
    );
    await b.write({ tenant: "acme", namespace: "company", key: "K", value: "in-ns" });
    expect((await inspect(t, `${base}/acme/company/K`))?.fields).toEqual({ value: "in-ns" });
    expect(await inspect(kv2(), `${base}/acme/company/K`)).toBeNull(); // not in the root namespace's secret/
    await b.delete({ tenant: "acme", namespace: "company", key: "K" });
  });
});
