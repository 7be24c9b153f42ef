// Bad input never ends in `internal` (issue 8, section 5): each case once failed with `internal`, HTTP 500, a
// TypeError or a wrong answer. Driven through the real actions and route handlers, the guard and a real database.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TEST_DATABASES } from "../support/test-db";
import {
  actAs,
  callRoute,
  fingerprint,
  openAppDatabase,
  seed,
  type AppDatabase,
  type Seed,
} from "../support/guarded-app";

vi.mock("../../lib/auth/session", async (original) => ({
  ...(await original<object>()),
  currentSession: (await import("../support/guarded-app")).sessionOfCaller,
}));
vi.mock("next/headers", async () => (await import("../support/guarded-app")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("../support/guarded-app")).nextCacheMock);

const { createSecretAction } = await import("../../lib/actions/secrets/create-secret");
const { updateSecretAction } = await import("../../lib/actions/secrets/update-secret");
const { addTenantUserAction } = await import("../../lib/actions/users/add-tenant-user");
const { createTenantAction } = await import("../../lib/actions/tenants/create-tenant");
const { checkExpressionAction } = await import("../../lib/actions/secrets/check-expression");
const { saveManagerConfigAction } = await import("../../lib/actions/managers/save-manager-config");
const { verifyConfigFormAction } = await import("../../lib/actions/managers/verify-config-form");
const { signInAction } = await import("../../lib/actions/auth/sign-in");
const tenantCsv = await import("../../app/api/tenants/[tenant]/audit/csv/route");
const instanceCsv = await import("../../app/api/audit/csv/route");
const namespaceSecrets = await import("../../app/api/tenants/[tenant]/namespaces/[namespace]/secrets/route");
const { auditLogView } = await import("../../lib/views/audit-log");
const { runGuarded } = await import("../../lib/server/guard");

const NUL = "\u0000";

/** `{ type: "vault", vault: { a: { a: … } } }`, `depth` objects deep. */
function nested(depth: number): unknown {
  let inner: Record<string, unknown> = {};
  const root = inner;
  for (let i = 0; i < depth; i++) {
    const next = {};
    inner.a = next;
    inner = next;
  }
  return { type: "vault", "read-only": true, vault: root };
}

describe.each(TEST_DATABASES)("bad input on $kind", ({ kind, available }) => {
  let app: AppDatabase;
  let s: Seed;
  let before: Record<string, string>;

  beforeAll(async () => {
    if (!available) return;
    app = await openAppDatabase(kind);
    s = await seed(app.prisma);
    before = await fingerprint(app.prisma);
  });
  afterAll(async () => {
    if (available) expect(await fingerprint(app.prisma)).toEqual(before);
    await app?.close();
  });

  const fieldError = (result: unknown, field: string) => {
    expect(result).toMatchObject({
      ok: false,
      error: { code: "invalid-input", fieldErrors: { [field]: expect.any(String) } },
    });
  };

  it.skipIf(!available)("a NUL character in a secret's description or tags is a field error", async () => {
    actAs(s, "tenant-admin");
    const base = { tenant: "acme", namespace: "company", key: "NEW_KEY", value: "v" };
    fieldError(await createSecretAction({ ...base, description: `a${NUL}b` }), "description");
    fieldError(await createSecretAction({ ...base, tags: [{ key: `k${NUL}`, value: "v" }] }), "tags.0.key");
    fieldError(await createSecretAction({ ...base, tags: [{ key: "k", value: `v${NUL}` }] }), "tags.0.value");
    fieldError(await updateSecretAction({ ...base, key: "API_KEY", description: `a${NUL}b` }), "description");
  });

  it.skipIf(!available)("a NUL character in a user's or tenant's name is a field error", async () => {
    actAs(s, "tenant-admin");
    fieldError(
      await addTenantUserAction({
        tenant: "acme",
        email: "new@acme.test",
        name: `New${NUL}User`,
        password: "a-long-password-1",
        role: "viewer",
        namespace: null,
      }),
      "name",
    );
    actAs(s, "instance-admin");
    fieldError(await createTenantAction({ slug: "initech", displayName: `Ini${NUL}tech` }), "displayName");
  });

  it.skipIf(!available)("a NUL character in an expression's key is a field error", async () => {
    actAs(s, "viewer");
    fieldError(
      await checkExpressionAction({ tenant: "acme", namespace: "company", expression: `{{ secret('API${NUL}KEY') }}` }),
      "expression",
    );
  });

  it.skipIf(!available)("a NUL character in a sign-in email is a field error", async () => {
    actAs(s, "anonymous");
    fieldError(await signInAction({ email: `root${NUL}@keyhold.test`, password: "whatever-password" }), "email");
  });

  it.skipIf(!available)("a NUL character in an audit filter is a field error, and a 400 on the CSV route", async () => {
    actAs(s, "tenant-admin");
    fieldError(await runGuarded(auditLogView, { tenant: "acme", actor: `a${NUL}` }), "actor");
    const csv = await callRoute(tenantCsv.GET, `/api/tenants/acme/audit/csv?action=${encodeURIComponent(`x${NUL}`)}`, {
      tenant: "acme",
    });
    expect(csv.status).toBe(400);
  });

  it.skipIf(!available)("an audit CSV from=2026-13-45 is a 400 with a field error, not a 500", async () => {
    actAs(s, "instance-admin");
    const response = await callRoute(instanceCsv.GET, "/api/audit/csv?from=2026-13-45", {});
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: "invalid-input", fieldErrors: { from: expect.any(String) } },
    });
    fieldError(await runGuarded(auditLogView, { tenant: "acme", to: "2026-02-30" }), "to");
    expect(await runGuarded(auditLogView, { tenant: "acme", from: "2024-02-29", to: "2026-12-31" })).toMatchObject({
      ok: true,
    });
  });

  it.skipIf(!available)("subkeys are read from the secret's own JSON keys only", async () => {
    actAs(s, "viewer");
    const check = (subkey: string) =>
      checkExpressionAction({
        tenant: "acme",
        namespace: "company.team",
        expression: `{{ secret('DB', subkey='${subkey}') }}`,
      });
    for (const subkey of ["constructor", "toString", "hasOwnProperty", "__proto__", "valueOf"]) {
      expect(await check(subkey)).toEqual({
        ok: false,
        error: { code: "not-found", message: `Cannot find secret sub-key '${subkey}' in secret 'DB'.` },
      });
    }
    expect(await check("user")).toMatchObject({ ok: true, data: { length: 3 } });
  });

  it.skipIf(!available)(
    "a namespace route parameter is decoded once (by Next.js), and a malformed one is a 400",
    async () => {
      actAs(s, "viewer");
      // Next.js hands the handler `%` for /namespaces/%25/secrets, and the raw text when an escape is malformed.
      for (const param of ["%", "%E0%A4%A", "%25", "company%2Eteam"]) {
        const response = await callRoute(
          namespaceSecrets.GET,
          `/api/tenants/acme/namespaces/${encodeURIComponent(param)}/secrets`,
          { tenant: "acme", namespace: param },
        );
        expect(response.status, param).toBe(400);
        expect(await response.json()).toMatchObject({
          error: { code: "invalid-input", fieldErrors: { namespace: expect.any(String) } },
        });
      }
      const ok = await callRoute(namespaceSecrets.GET, "/api/tenants/acme/namespaces/company.team/secrets", {
        tenant: "acme",
        namespace: "company.team",
      });
      expect(ok.status).toBe(200);
      expect((await ok.json()).rows.map((r: { key: string }) => r.key)).toEqual(["API_KEY", "DB"]);
    },
  );

  it.skipIf(!available)("a configuration document nested 2,000 levels deep is a field error", async () => {
    actAs(s, "tenant-admin");
    const save = await saveManagerConfigAction({
      tenant: "acme",
      namespace: "company",
      expectedVersion: null,
      enabled: true,
      document: nested(2000),
      keepCredentials: [],
    });
    fieldError(save, "document");
    fieldError(
      await verifyConfigFormAction({
        tenant: "acme",
        namespace: "company",
        document: nested(2000),
        keepCredentials: [],
      }),
      "document",
    );
    // A big but flat document is refused by size the same way.
    fieldError(
      await verifyConfigFormAction({
        tenant: "acme",
        namespace: "company",
        document: { type: "vault", vault: { address: "x".repeat(2_000_000) } },
        keepCredentials: [],
      }),
      "document",
    );
  });

  it.skipIf(!available)("control characters in a configuration document's text and keys are field errors", async () => {
    actAs(s, "tenant-admin");
    const save = (vault: object) =>
      saveManagerConfigAction({
        tenant: "acme",
        namespace: "company",
        expectedVersion: null,
        enabled: true,
        document: { type: "vault", "read-only": true, vault },
        keepCredentials: [],
      });
    fieldError(
      await save({ address: "http://127.0.0.1:1", password: { user: `app${NUL}`, password: "pw" } }),
      "vault.password.user",
    );
    fieldError(await save({ address: `http://127.0.0.1:1/${NUL}`, token: { token: "t" } }), "vault.address");
    // An unknown key is reported by name; with a NUL in it, the audit entry of a verify could not be written.
    fieldError(
      await verifyConfigFormAction({
        tenant: "acme",
        namespace: "company",
        document: { type: "vault", vault: { [`a${NUL}`]: 1 } },
        keepCredentials: [],
      }),
      "document",
    );
  });
});
