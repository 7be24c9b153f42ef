// REST API v1: a PUT or DELETE of a dedicated manager that switches the backend serving a namespace is held to the
// console's switch confirmation. Without it (or with a stale or forged one) nothing is saved and the answer is 409
// `switch-confirmation-required` with the preview's counts and disappearing keys; with the preview's confirmation the
// save goes ahead and its audit entry records the counts. Per role, on a seeded database (builtin secrets: company has
// API_KEY, company.team has DB); the new Vault is one the egress policy refuses, so it counts as empty.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { TEST_DATABASES } from "../../support/test-db";
import { actAs, openAppDatabase, seed, type AppDatabase, type Caller, type Seed } from "../../support/guarded-app";
import { apiJson } from "../../support/api-v1";
import { v1Paths } from "../../../lib/api/v1/openapi";

type JsonSchema = { properties?: Record<string, JsonSchema>; required?: string[] };

vi.mock("../../../lib/auth/session", async (original) => ({
  ...(await original<object>()),
  currentSession: (await import("../../support/guarded-app")).sessionOfCaller,
}));
vi.mock("next/headers", async () => (await import("../../support/guarded-app")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("../../support/guarded-app")).nextCacheMock);

const TEAM = "/api/v1/tenants/acme/namespaces/company.team/manager";
const CANARY = "hvs.CANARY-switch-token";
const vaultDoc = (address: string, readOnly = true, section: Record<string, unknown> = {}) => ({
  type: "vault",
  "read-only": readOnly,
  vault: { address, token: { token: CANARY }, ...section },
});

describe.each(TEST_DATABASES)("REST API v1: switching a namespace's backend on $kind", ({ kind, available }) => {
  let app: AppDatabase;
  let s: Seed;

  beforeAll(async () => {
    if (!available) return;
    app = await openAppDatabase(kind);
    s = await seed(app.prisma);
  });
  afterAll(() => app?.close());
  afterEach(() => actAs(s, "anonymous"));

  const as = async (who: Caller, method: string, url: string, body?: unknown, headers?: Record<string, string>) => {
    actAs(s, who);
    return apiJson(method, url, { body, headers });
  };
  const configAudit = () =>
    app.prisma.auditEvent.findMany({
      where: { action: { startsWith: "config." }, outcome: "success" },
      orderBy: { createdAt: "asc" },
    });
  const stored = () => app.prisma.secretsManagerConfig.findMany({ select: { version: true, enabled: true } });

  it.skipIf(!available)("a PUT turning a manager on answers the preview and saves only once confirmed", async () => {
    const document = vaultDoc("http://127.0.0.1:1");
    // Roles without config:write are refused before any preview (no key names leak to them).
    for (const [who, status] of [
      ["namespace-editor", 403],
      ["viewer", 403],
      ["anonymous", 401],
    ] as const) {
      const r = await as(who, "PUT", TEAM, { document });
      expect(r.status).toBe(status);
      expect(r.body.preview).toBeUndefined();
    }

    const first = await as("tenant-admin", "PUT", TEAM, { document });
    expect(first.status).toBe(409);
    expect(first.headers.get("content-type")).toBe("application/problem+json");
    expect(first.body).toMatchObject({
      code: "switch-confirmation-required",
      type: "urn:keyhold:error:switch-confirmation-required",
      status: 409,
      preview: {
        changes: ["dedicated secrets manager turned on"],
        namespaces: ["company.team"],
        // Now: DB (its own) and API_KEY (from company); after: an empty Vault, API_KEY still inherited.
        counts: { current: 2, kept: 1, missing: 1, added: 0 },
        missing: [{ namespace: "company.team", key: "DB" }],
        truncated: false,
        confirmation: expect.any(String),
      },
    });
    // The answer is the one the OpenAPI document describes for 409 (schemathesis's fuzzed documents rarely get this far).
    const described = v1Paths()["/api/v1/tenants/{tenant}/namespaces/{namespace}/manager"].put as {
      responses: Record<string, { content: Record<string, { schema: JsonSchema }> }>;
    };
    const problem = described.responses["409"].content["application/problem+json"].schema;
    const preview = problem.properties!.preview;
    expect(Object.keys(problem.properties!)).toEqual(expect.arrayContaining(Object.keys(first.body)));
    expect(Object.keys(first.body.preview).sort()).toEqual([...preview.required!].sort());
    expect(Object.keys(first.body.preview.counts).sort()).toEqual([...preview.properties!.counts.required!].sort());
    expect(first.body.preview.from).toMatch(/Builtin|builtin|store/i);
    expect(first.body.preview.to).toMatch(/Vault/);
    expect(JSON.stringify(first.body)).not.toContain("CANARY");
    expect(JSON.stringify(first.body)).not.toContain("s3cr3t");
    expect(await stored()).toEqual([]);
    expect(await configAudit()).toEqual([]);

    // A forged token, or the confirmation of another change (another address), saves nothing either.
    const forged = await as("tenant-admin", "PUT", TEAM, { document, confirmSwitch: "e30.AAAA" });
    expect(forged).toMatchObject({ status: 409, body: { code: "switch-confirmation-required" } });
    expect(forged.body.detail).toMatch(/not valid/);
    const other = await as("tenant-admin", "PUT", TEAM, {
      document: vaultDoc("http://127.0.0.2:1"),
      confirmSwitch: first.body.preview.confirmation,
    });
    expect(other).toMatchObject({ status: 409, body: { code: "switch-confirmation-required" } });
    expect(other.body.detail).toMatch(/another change/);
    expect(await stored()).toEqual([]);

    const saved = await as("tenant-admin", "PUT", TEAM, { document, confirmSwitch: first.body.preview.confirmation });
    expect(saved).toMatchObject({ status: 200, body: { exists: true, version: 1, enabled: true } });
    const audit = await configAudit();
    expect(audit.map((e) => [e.action, e.namespace, e.actor])).toEqual([
      ["config.created", "company.team", s.emails["tenant-admin"]],
    ]);
    expect(audit[0].details).toMatchObject({ switch: { current: 2, kept: 1, missing: 1, added: 0 } });

    // An edit that keeps what the namespace sees (a new token for the same Vault) needs no confirmation and records
    // no switch.
    const edited = await as(
      "tenant-admin",
      "PUT",
      TEAM,
      { document: vaultDoc("http://127.0.0.1:1", true, { token: { token: `${CANARY}-rotated` } }) },
      { "if-match": '"1"' },
    );
    expect(edited).toMatchObject({ status: 200, body: { version: 2, readOnly: true } });
    expect((await configAudit()).at(-1)!.details).not.toHaveProperty("switch");
  });

  it.skipIf(!available)("DELETE turning the manager off is confirmed the same way", async () => {
    expect((await as("viewer", "DELETE", TEAM, undefined, { "if-match": '"2"' })).status).toBe(403);
    const first = await as("tenant-admin", "DELETE", TEAM, undefined, { "if-match": '"2"' });
    expect(first).toMatchObject({
      status: 409,
      body: {
        code: "switch-confirmation-required",
        // Back to the builtin store: DB comes back, nothing disappears.
        preview: {
          changes: ["dedicated secrets manager turned off"],
          counts: { current: 1, kept: 1, missing: 0, added: 1 },
          missing: [],
        },
      },
    });
    expect(await stored()).toEqual([{ version: 2, enabled: true }]);
    const off = await as(
      "tenant-admin",
      "DELETE",
      TEAM,
      { confirmSwitch: first.body.preview.confirmation },
      { "if-match": '"2"' },
    );
    expect(off).toMatchObject({ status: 200, body: { enabled: false, version: 3 } });
    const last = (await configAudit()).at(-1)!;
    expect(last.action).toBe("config.disabled");
    expect(last.details).toMatchObject({ switch: { current: 1, kept: 1, missing: 0, added: 1 } });
    // A confirmation is good for one save: the version moved on.
    const again = await as(
      "tenant-admin",
      "PUT",
      TEAM,
      { document: vaultDoc("http://127.0.0.1:1"), confirmSwitch: first.body.preview.confirmation },
      { "if-match": '"3"' },
    );
    expect(again).toMatchObject({ status: 409, body: { code: "switch-confirmation-required" } });
    expect(JSON.stringify(await app.prisma.auditEvent.findMany())).not.toContain("CANARY");
  });

  it.skipIf(!available)(
    "the tenant's manager: an instance administrator is asked too, for every namespace",
    async () => {
      const url = "/api/v1/tenants/acme/manager";
      const document = vaultDoc("http://127.0.0.1:1");
      expect((await as("namespace-editor", "PUT", url, { document })).status).toBe(403);
      const first = await as("instance-admin", "PUT", url, { document });
      expect(first).toMatchObject({
        status: 409,
        body: {
          code: "switch-confirmation-required",
          // company.team is off its own manager again, so both namespaces (and the tenant level) move to the Vault.
          preview: { counts: { missing: expect.any(Number) } },
        },
      });
      expect(first.body.preview.namespaces).toEqual(expect.arrayContaining(["company", "company.team"]));
      expect(first.body.preview.missing).toEqual(
        expect.arrayContaining([
          { namespace: "company", key: "API_KEY" },
          { namespace: "company.team", key: "DB" },
        ]),
      );
      const saved = await as("instance-admin", "PUT", url, {
        document,
        confirmSwitch: first.body.preview.confirmation,
      });
      expect(saved).toMatchObject({ status: 200, body: { version: 1 } });
      expect((await configAudit()).at(-1)!.details).toMatchObject({ switch: first.body.preview.counts });
    },
  );

  it.skipIf(!available)(
    "a PUT that only changes what the same Vault shows (its path prefix) is a switch: 409 until confirmed",
    async () => {
      const url = "/api/v1/tenants/acme/manager";
      const edit = { document: vaultDoc("http://127.0.0.1:1", true, { "secret-path-prefix": "elsewhere" }) };
      const first = await as("instance-admin", "PUT", url, edit, { "if-match": '"1"' });
      expect(first).toMatchObject({
        status: 409,
        body: {
          code: "switch-confirmation-required",
          preview: {
            namespaces: expect.arrayContaining(["company", "company.team"]),
            confirmation: expect.any(String),
          },
        },
      });
      expect(JSON.stringify(first.body)).not.toContain("CANARY");
      // Nothing saved: the stored manager still reads the root of the mount.
      const before = await app.prisma.secretsManagerConfig.findFirstOrThrow({ where: { namespaceId: null } });
      expect((before.settings as { vault: Record<string, unknown> }).vault["secret-path-prefix"]).toBeUndefined();
      expect(before.version).toBe(1);
      const saved = await as(
        "instance-admin",
        "PUT",
        url,
        { ...edit, confirmSwitch: first.body.preview.confirmation },
        { "if-match": '"1"' },
      );
      expect(saved).toMatchObject({ status: 200, body: { version: 2 } });
      expect((await configAudit()).at(-1)!).toMatchObject({
        action: "config.updated",
        details: { switch: first.body.preview.counts },
      });
    },
  );
});
