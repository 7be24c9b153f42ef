// REST API v1 against a real backend (OpenBao, scripts/emulators): a namespace's dedicated Vault saved, verified and
// written through the API, the token kept by a PUT that omits it, then turned read-only so writes are refused; an unsaved
// document verified (before saving, and with the stored token kept only at the same address).
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { TEST_DATABASES } from "../../support/test-db";
import { actAs, openAppDatabase, seed, type AppDatabase, type Caller, type Seed } from "../../support/guarded-app";
import { apiJson } from "../../support/api-v1";
import { emulatorEgressAllow, emulatorEnv, emulatorsDisabled } from "../../support/emulators";

vi.mock("../../../lib/auth/session", async (original) => ({
  ...(await original<object>()),
  currentSession: (await import("../../support/guarded-app")).sessionOfCaller,
}));
vi.mock("next/headers", async () => (await import("../../support/guarded-app")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("../../support/guarded-app")).nextCacheMock);

describe.skipIf(emulatorsDisabled).each(TEST_DATABASES)("REST API v1 with a Vault on $kind", ({ kind, available }) => {
  let app: AppDatabase;
  let s: Seed;
  const ns = `vaulted-${kind}`;
  const base = `/api/v1/tenants/acme/namespaces/${ns}`;

  beforeAll(async () => {
    if (!available) return;
    // Dedicated managers may reach exactly the emulators, as start.sh says.
    process.env.KEYHOLD_EGRESS_ALLOW = emulatorEgressAllow();
    app = await openAppDatabase(kind);
    s = await seed(app.prisma);
  });
  afterAll(async () => {
    delete process.env.KEYHOLD_EGRESS_ALLOW;
    await app?.close();
  });
  afterEach(() => actAs(s, "anonymous"));

  const as = async (who: Caller, method: string, url: string, body?: unknown, headers?: Record<string, string>) => {
    actAs(s, who);
    return apiJson(method, url, { body, headers });
  };

  it.skipIf(!available)("saves, verifies, writes and lists through the API; read-only refuses writes", async () => {
    const root = emulatorEnv("KEYHOLD_VAULT_TOKEN");
    const vault = (readOnly: boolean, withToken: boolean) => ({
      type: "vault",
      "read-only": readOnly,
      vault: {
        address: emulatorEnv("KEYHOLD_VAULT_ADDR"),
        "root-engine": emulatorEnv("KEYHOLD_VAULT_KV2_MOUNT"),
        "secret-path-prefix": `api-${kind}-${Date.now()}`,
        token: withToken ? { token: root } : {},
      },
    });
    expect((await as("tenant-admin", "POST", "/api/v1/tenants/acme/namespaces", { path: ns })).status).toBe(201);
    const writable = vault(false, true);
    // Turning the manager on switches the namespace's backend: saved once the preview is confirmed.
    const preview = await as("tenant-admin", "PUT", `${base}/manager`, { document: writable });
    expect(preview).toMatchObject({ status: 409, body: { code: "switch-confirmation-required" } });
    const saved = await as("tenant-admin", "PUT", `${base}/manager`, {
      document: writable,
      confirmSwitch: preview.body.preview.confirmation,
    });
    expect(saved).toMatchObject({
      status: 200,
      body: { version: 1, type: "vault", credentialsSet: ["vault.token.token"] },
    });
    expect(JSON.stringify(saved.body)).not.toContain(root);

    const verified = await as("viewer", "POST", `${base}/manager/verify`);
    expect(verified).toMatchObject({ status: 200, body: { ok: true, status: "ok" } });

    expect(await as("tenant-admin", "POST", `${base}/secrets`, { key: "API_TOKEN", value: "first" })).toMatchObject({
      status: 201,
    });
    const listed = await as("viewer", "GET", `${base}/secrets?refresh=1`);
    expect(listed.status).toBe(200);
    expect(
      listed.body.rows.filter((r: { namespace: string }) => r.namespace === ns).map((r: { key: string }) => r.key),
    ).toEqual(["API_TOKEN"]);
    expect(listed.body.backend).toMatchObject({ label: expect.stringMatching(/Vault/) });
    expect((await as("tenant-admin", "PUT", `${base}/secrets/API_TOKEN`, { value: "second!" })).status).toBe(200);
    const check = await as("viewer", "POST", `${base}/expression-check`, { expression: "{{ secret('API_TOKEN') }}" });
    expect(check).toMatchObject({ status: 200, body: { namespace: ns, length: 7 } });
    expect((await as("tenant-admin", "DELETE", `${base}/secrets/API_TOKEN`)).status).toBe(200);
    expect(
      (await as("viewer", "POST", `${base}/expression-check`, { expression: "{{ secret('API_TOKEN') }}" })).body.code,
    ).toBe("not-found");

    // Read-only, the token omitted: kept, since the address did not change; writes are refused. On Vault, read-only
    // mode reads another layout under the prefix (every entry a key, not `acme/<ns>/KEY`): a switch, confirmed first.
    const readOnly = { ...writable, "read-only": true, vault: { ...writable.vault, token: {} } };
    const asked = await as("tenant-admin", "PUT", `${base}/manager`, { document: readOnly }, { "if-match": '"1"' });
    expect(asked).toMatchObject({ status: 409, body: { code: "switch-confirmation-required" } });
    const turned = await as(
      "tenant-admin",
      "PUT",
      `${base}/manager`,
      { document: readOnly, confirmSwitch: asked.body.preview.confirmation },
      { "if-match": '"1"' },
    );
    expect(turned).toMatchObject({
      status: 200,
      body: { version: 2, readOnly: true, credentialsSet: ["vault.token.token"] },
    });
    expect((await as("viewer", "POST", `${base}/manager/verify`)).body.ok).toBe(true);
    const refused = await as("tenant-admin", "POST", `${base}/secrets`, { key: "OTHER", value: "v" });
    expect(refused).toMatchObject({ status: 403, body: { code: "read-only" } });
    expect(JSON.stringify(await app.prisma.auditEvent.findMany())).not.toContain(root);
  });

  it.skipIf(!available)(
    "verify-unsaved: a document verifies before it is saved; an omitted token is the kept one only at the same address",
    async () => {
      const root = emulatorEnv("KEYHOLD_VAULT_TOKEN");
      const address = emulatorEnv("KEYHOLD_VAULT_ADDR");
      const here = `unsaved-${kind}`;
      const url = `/api/v1/tenants/acme/namespaces/${here}/manager`;
      const prefix = `unsaved-${kind}-${Date.now()}`;
      const doc = (token: string | null, at = address) => ({
        type: "vault",
        "read-only": true,
        vault: {
          address: at,
          "root-engine": emulatorEnv("KEYHOLD_VAULT_KV2_MOUNT"),
          "secret-path-prefix": prefix,
          token: token === null ? {} : { token },
        },
      });
      expect((await as("tenant-admin", "POST", "/api/v1/tenants/acme/namespaces", { path: here })).status).toBe(201);
      const verify = (document: unknown, more: Record<string, unknown> = {}) =>
        as("tenant-admin", "POST", `${url}/verify-unsaved`, { document, ...more });

      // Nothing saved yet: the document's own token reaches OpenBao; a wrong one is refused by it.
      const fresh = await verify(doc(root));
      expect(fresh).toMatchObject({ status: 200, body: { ok: true, status: "ok" } });
      expect(fresh.body.capabilities).not.toBeNull();
      expect(await verify(doc("hvs.not-the-token"))).toMatchObject({ status: 200, body: { ok: false } });
      expect(await app.prisma.secretsManagerConfig.count({ where: { namespace: { path: here } } })).toBe(0);

      const preview = await as("tenant-admin", "PUT", url, { document: doc(root) });
      expect(preview.body.code).toBe("switch-confirmation-required");
      const saved = await as("tenant-admin", "PUT", url, {
        document: doc(root),
        confirmSwitch: preview.body.preview.confirmation,
      });
      expect(saved).toMatchObject({ status: 200, body: { version: 1, credentialsSet: ["vault.token.token"] } });

      // The token omitted, the same address: verified with the stored token.
      expect(await verify(doc(null))).toMatchObject({ status: 200, body: { ok: true, status: "ok" } });
      // Asked to keep nothing, the omitted token is missing: no verification succeeds without one.
      expect((await verify(doc(null), { keepCredentials: [] })).body.ok).toBe(false);
      // The address moves: the stored token is not sent there (nothing verified, a coded refusal on the field).
      const moved = await verify(doc(null, address.replace("127.0.0.1", "localhost")));
      expect(moved).toMatchObject({ status: 400, body: { code: "invalid-input" } });
      expect(Object.keys(moved.body.fieldErrors)).toEqual(["vault.token.token"]);

      // Nothing of this was saved; each verification is audited, never with the token.
      expect((await as("tenant-admin", "GET", url)).body).toMatchObject({ version: 1 });
      const audited = await app.prisma.auditEvent.findMany({
        where: { action: "config.verify-form", namespace: here },
        orderBy: { createdAt: "asc" },
      });
      expect(audited.map((a) => a.outcome)).toEqual(["success", "failure", "success", "failure", "failure"]);
      expect(JSON.stringify(audited)).not.toContain(root);
    },
  );
});
