// Vault tokens with a 5 s TTL on OpenBao: login tokens are renewed (renew-self) before they expire, replaced by a
// new login when they cannot be renewed or their max TTL is near, and obtained again once on a 403; a token
// configured directly that expires answers `unauthenticated`. Requests are counted on the wire (a TCP proxy).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConfigDocument } from "../../../lib/backends/document";
import { startCountingTcpProxy, type CountingProxy } from "../../support/counting-proxy";
import { emulatorsDisabled, emulatorEnv } from "../../support/emulators";
import {
  backend,
  cleanup,
  document,
  failure,
  guardLoopback,
  root,
  targets,
  uniqueBase,
} from "../../support/backends/vault";

guardLoopback();

const tag = `kh-ttl-${process.pid}`;
const user = { username: `${tag}-user`, password: `${tag}-password` };
const roles: Record<string, { roleId: string; secretId: string }> = {};
let proxy: CountingProxy;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function approle(name: string, settings: Record<string, unknown>) {
  const c = root();
  await c.write(`auth/approle/role/${name}`, { token_policies: emulatorEnv("KEYHOLD_VAULT_POLICY"), ...settings });
  const roleId = (await c.read(`auth/approle/role/${name}/role-id`)).data.role_id as string;
  const secretId = (await c.write(`auth/approle/role/${name}/secret-id`, {})).data.secret_id as string;
  roles[name] = { roleId, secretId };
}

beforeAll(async () => {
  if (emulatorsDisabled) return;
  const policy = emulatorEnv("KEYHOLD_VAULT_POLICY");
  await root().write(`auth/userpass/users/${user.username}`, {
    password: user.password,
    token_policies: policy,
    token_ttl: "5s",
    token_max_ttl: "60s",
  });
  await approle(`${tag}-renewable`, { token_ttl: "5s", token_max_ttl: "60s" });
  await approle(`${tag}-batch`, { token_ttl: "5s", token_max_ttl: "60s", token_type: "batch" });
  await approle(`${tag}-short-max`, { token_ttl: "5s", token_max_ttl: "7s" });
  proxy = await startCountingTcpProxy(emulatorEnv("KEYHOLD_VAULT_ADDR"));
});

afterAll(async () => {
  if (emulatorsDisabled) return;
  await proxy?.close();
  await root().delete(`auth/userpass/users/${user.username}`);
  for (const name of Object.keys(roles)) await root().delete(`auth/approle/role/${name}`);
  await cleanup(targets()[0]);
});

const kv2 = () => targets()[0];
function viaProxy(auth: Record<string, unknown>, base: string): ConfigDocument {
  const doc = document(kv2(), { ...auth, "secret-path-prefix": base }, false);
  return { ...doc, vault: { ...(doc.vault as object), address: proxy.url } } as ConfigDocument;
}
const since = (start: number, path: RegExp) => proxy.requests.slice(start).filter((r) => path.test(r.url)).length;
const LOGIN = /^\/v1\/auth\/(userpass|approle)\/login/;
const RENEW = /^\/v1\/auth\/token\/renew-self$/;
const ref = { tenant: "acme", namespace: "company", key: "K" };

/** Reads the secret once a second for `seconds`; every read must answer. */
async function keepReading(b: ReturnType<typeof backend>, seconds: number) {
  for (let i = 0; i < seconds; i++) {
    expect(await b.read(ref)).toBe("v");
    await sleep(1000);
  }
}

describe.skipIf(emulatorsDisabled)("vault token lifecycle (5 s TTL)", () => {
  it("renews a renewable userpass token with renew-self instead of logging in again", async () => {
    const start = proxy.requests.length;
    const b = backend(viaProxy({ password: { user: user.username, password: user.password } }, uniqueBase("up")));
    await b.write({ ...ref, value: "v" });
    await keepReading(b, 12);
    expect(since(start, LOGIN)).toBe(1);
    expect(since(start, RENEW)).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it("logs in again when the token is not renewable (AppRole batch token)", async () => {
    const start = proxy.requests.length;
    const { roleId, secretId } = roles[`${tag}-batch`];
    const b = backend(viaProxy({ "app-role": { "role-id": roleId, "secret-id": secretId } }, uniqueBase("batch")));
    await b.write({ ...ref, value: "v" });
    await keepReading(b, 12);
    expect(since(start, RENEW)).toBe(0);
    expect(since(start, LOGIN)).toBeGreaterThanOrEqual(3);
  }, 30_000);

  it("renews, then logs in again when the max TTL is near (AppRole, max TTL 7 s)", async () => {
    const start = proxy.requests.length;
    const { roleId, secretId } = roles[`${tag}-short-max`];
    const b = backend(viaProxy({ "app-role": { "role-id": roleId, "secret-id": secretId } }, uniqueBase("max")));
    await b.write({ ...ref, value: "v" });
    await keepReading(b, 12);
    expect(since(start, RENEW)).toBeGreaterThanOrEqual(1);
    expect(since(start, LOGIN)).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it("logs in again after sitting idle past the TTL", async () => {
    const start = proxy.requests.length;
    const { roleId, secretId } = roles[`${tag}-renewable`];
    const b = backend(viaProxy({ "app-role": { "role-id": roleId, "secret-id": secretId } }, uniqueBase("idle")));
    await b.write({ ...ref, value: "v" });
    await sleep(6000);
    expect(await b.read(ref)).toBe("v");
    expect(since(start, LOGIN)).toBe(2);
  }, 30_000);

  it("obtains a new token once when Vault answers 403 (token revoked)", async () => {
    const start = proxy.requests.length;
    const b = backend(viaProxy({ password: { user: user.username, password: user.password } }, uniqueBase("revoked")));
    await b.write({ ...ref, value: "v" });
    await root().write("sys/leases/revoke-prefix/auth/userpass/login", {});
    expect(await b.read(ref)).toBe("v");
    expect(since(start, LOGIN)).toBe(2);
  }, 30_000);

  it("a token configured directly that expires answers unauthenticated", async () => {
    const policy = emulatorEnv("KEYHOLD_VAULT_POLICY");
    const token = (await root().tokenCreate({ policies: [policy], ttl: "5s", renewable: false })).auth
      .client_token as string;
    const b = backend(viaProxy({ token: { token } }, uniqueBase("direct")));
    await b.write({ ...ref, value: "v" });
    expect(await b.read(ref)).toBe("v");
    await sleep(6000);
    const e = await failure(b.read(ref));
    expect(e.code).toBe("unauthenticated");
    expect(e.message).toContain("the token expired or was revoked");
    expect(e.message).not.toContain(token);
  }, 30_000);

  it("a valid token without the policy for a path still answers forbidden", async () => {
    const token = (await root().tokenCreate({ policies: ["default"], ttl: "60s" })).auth.client_token as string;
    const b = backend(viaProxy({ token: { token } }, uniqueBase("no-policy")));
    const e = await failure(b.read(ref));
    expect(e.code).toBe("forbidden");
  }, 30_000);
});
