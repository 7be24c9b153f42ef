// The REST API v1 per resource and role, on a seeded database through the real route handlers (the session cookie is the
// only seam): the console's permission matrix, schemas and audit; problem-details errors with the console's codes;
// credentials write-only; If-Match on a dedicated manager's version.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { TEST_DATABASES } from "../../support/test-db";
import { actAs, openAppDatabase, seed, type AppDatabase, type Caller, type Seed } from "../../support/guarded-app";
import { api, apiJson } from "../../support/api-v1";

vi.mock("../../../lib/auth/session", async (original) => ({
  ...(await original<object>()),
  currentSession: (await import("../../support/guarded-app")).sessionOfCaller,
}));
vi.mock("next/headers", async () => (await import("../../support/guarded-app")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("../../support/guarded-app")).nextCacheMock);

const NS = "/api/v1/tenants/acme/namespaces";
const CANARY = "hvs.CANARY-api-token";
const vaultDoc = (address: string, token?: string) => ({
  type: "vault",
  "read-only": true,
  vault: { address, ...(token ? { token: { token } } : { token: {} }) },
});

describe.each(TEST_DATABASES)("REST API v1 on $kind", ({ kind, available }) => {
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
  const statuses = async (method: string, url: string, body?: unknown) => {
    const out: Record<string, number> = {};
    for (const who of ["instance-admin", "tenant-admin", "namespace-editor", "viewer", "anonymous"] as Caller[])
      out[who] = (await as(who, method, url, body)).status;
    return out;
  };

  it.skipIf(!available)("tenants: each role lists its own; only an instance administrator creates", async () => {
    expect(
      (await as("instance-admin", "GET", "/api/v1/tenants")).body.tenants.map((t: { slug: string }) => t.slug),
    ).toEqual(["acme", "globex"]);
    expect((await as("viewer", "GET", "/api/v1/tenants")).body).toEqual({
      tenants: [{ slug: "acme", displayName: "Acme", namespaceCount: 2 }],
    });
    expect((await as("anonymous", "GET", "/api/v1/tenants")).status).toBe(401);
    expect(await statuses("POST", "/api/v1/tenants", { slug: `new-${kind}`, displayName: "New" })).toEqual({
      "instance-admin": 201,
      "tenant-admin": 403,
      "namespace-editor": 403,
      viewer: 403,
      anonymous: 401,
    });
    const again = await as("instance-admin", "POST", "/api/v1/tenants", { slug: `new-${kind}`, displayName: "New" });
    expect(again).toMatchObject({
      status: 409,
      body: { code: "already-exists", type: "urn:keyhold:error:already-exists" },
    });
    const bad = await as("instance-admin", "POST", "/api/v1/tenants", { slug: "Bad Slug!", displayName: "" });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toBe("application/problem+json");
    expect(Object.keys(bad.body.fieldErrors).sort()).toEqual(["displayName", "slug"]);
  });

  it.skipIf(!available)("bad bodies are invalid-input, never internal; unknown methods 405 with Allow", async () => {
    actAs(s, "instance-admin");
    const raw = (body: string, type = "application/json") =>
      api("POST", "/api/v1/tenants", { body, headers: { "content-type": type } }).then((r) => r.status);
    expect(await raw("{not json")).toBe(400);
    expect(await raw("[1,2]")).toBe(400);
    expect(await raw('"text"')).toBe(400);
    expect(await raw('{"slug":"x-y","displayName":"X"}', "text/plain")).toBe(400);
    expect(await raw('{"slug":"x-y","displayName":"X","extra":1}')).toBe(400);
    const patch = await api("PATCH", "/api/v1/tenants");
    expect(patch.status).toBe(405);
    expect(patch.headers.get("allow")).toBe("GET, POST, HEAD, OPTIONS");
    // The session cookie does not carry a cross-site write.
    const cross = await api("POST", "/api/v1/tenants", {
      body: { slug: "cross-site", displayName: "X" },
      headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });
    expect(cross.status).toBe(403);
    expect(await app.prisma.tenant.count({ where: { slug: "cross-site" } })).toBe(0);
  });

  it.skipIf(!available)("namespaces: any role lists, a tenant administrator creates", async () => {
    expect((await as("viewer", "GET", NS)).body).toEqual({ namespaces: ["company", "company.team"] });
    expect((await as("viewer", "GET", "/api/v1/tenants/globex/namespaces")).status).toBe(403);
    expect(await statuses("POST", NS, { path: `dept.${kind}` })).toMatchObject({
      "namespace-editor": 403,
      viewer: 403,
      anonymous: 401,
    });
    expect((await as("tenant-admin", "POST", NS, { path: `ops.${kind}` })).body).toEqual({
      path: `ops.${kind}`,
      created: ["ops", `ops.${kind}`],
    });
    expect((await as("tenant-admin", "POST", NS, { path: "Not..valid" })).body.code).toBe("invalid-input");
  });

  it.skipIf(!available)(
    "secrets: the Secrets tab's search, sort and cursor; writes by role; a '/' in a key",
    async () => {
      const page1 = await as("viewer", "GET", `${NS}/company.team/secrets?pageSize=1&sort=key&dir=desc`);
      expect(page1.status).toBe(200);
      expect(page1.body.rows.map((r: { key: string }) => r.key)).toEqual(["DB"]);
      expect(JSON.stringify(page1.body)).not.toContain("s3cr3t");
      const page2 = await as(
        "viewer",
        "GET",
        `${NS}/company.team/secrets?pageSize=1&sort=key&dir=desc&cursor=${page1.body.nextCursor}`,
      );
      expect(page2.body.rows.map((r: { key: string }) => r.key)).toEqual(["API_KEY"]);
      expect((await as("viewer", "GET", `${NS}/company.team/secrets?search=team%3Dcore`)).body.total).toBe(1);
      expect((await as("viewer", "GET", `${NS}/company.team/secrets?sort=size`)).body.code).toBe("invalid-input");
      expect((await as("viewer", "GET", "/api/v1/tenants/acme/secrets")).body.total).toBe(2);

      const key = `db/${kind}`;
      const path = `${NS}/company.team/secrets/${encodeURIComponent(key)}`;
      for (const [who, status] of [
        ["anonymous", 401],
        ["viewer", 403],
        ["namespace-editor", 201],
      ] as const)
        expect((await as(who, "POST", `${NS}/company.team/secrets`, { key, value: "one" })).status, who).toBe(status);
      expect((await as("namespace-editor", "POST", `${NS}/company/secrets`, { key, value: "x" })).status).toBe(403);
      expect((await as("viewer", "PUT", path, { value: "two" })).status).toBe(403);
      expect(await as("namespace-editor", "PUT", path, { value: "two", description: "rotated" })).toMatchObject({
        status: 200,
        body: { key },
      });
      const updated = await app.prisma.auditEvent.findFirstOrThrow({
        where: { action: "secret.updated", actor: s.emails["namespace-editor"] },
      });
      expect(updated.details).toMatchObject({ key, value: "replaced" });
      expect((await as("viewer", "DELETE", path)).status).toBe(403);
      expect((await as("namespace-editor", "DELETE", path)).status).toBe(200);
      expect((await as("namespace-editor", "DELETE", path)).body.code).toBe("not-found");
    },
  );

  it.skipIf(!available)(
    "secrets: the lifecycle filter= (expiring, disabled, stale) selects through the API; another value is invalid-input",
    async () => {
      const list = `${NS}/company.team/secrets`;
      const keys = ["SOON", "OFF", "OLD", "FRESH"].map((k) => `LC_${k}_${kind}`);
      const [soon, off, old, fresh] = keys;
      for (const key of keys)
        expect((await as("namespace-editor", "POST", list, { key, value: "v" })).status, key).toBe(201);
      // Not changed for 100 days, as the builtin store records it: a refresh scans it with that time.
      await app.prisma.builtinSecret.updateMany({
        where: { key: old },
        data: { updatedAt: new Date(Date.now() - 100 * 86_400_000) },
      });
      expect((await as("viewer", "GET", `${list}?refresh=1`)).status).toBe(200);
      // The builtin store has no expiry or enabled flag (Azure, Google and AWS do: tests/secrets/lifecycle.emulator.
      // test.ts): its index rows get them as a scan of such a backend writes them, so the API's filter= is what is tested.
      await app.prisma.secretIndexEntry.updateMany({
        where: { key: soon, namespace: "company.team" },
        data: { expiresAt: new Date(Date.now() + 5 * 86_400_000) },
      });
      await app.prisma.secretIndexEntry.updateMany({
        where: { key: off, namespace: "company.team" },
        data: { enabled: false },
      });
      const filtered = async (filter: string) => {
        const r = await as("viewer", "GET", `${list}?filter=${filter}`);
        expect(r.status, filter).toBe(200);
        return r.body.rows
          .map((row: { key: string }) => row.key)
          .filter((k: string) => keys.includes(k))
          .sort();
      };
      expect(await filtered("expiring")).toEqual([soon]);
      expect(await filtered("disabled")).toEqual([off]);
      expect(await filtered("stale")).toEqual([old]);
      const all = await as("viewer", "GET", list);
      expect(all.body.rows.map((row: { key: string }) => row.key)).toEqual(expect.arrayContaining([fresh, ...keys]));
      const expiring = await as("viewer", "GET", `${list}?filter=expiring`);
      expect(expiring.body.total).toBe(1);
      expect(expiring.body.rows[0].lifecycle.expiresAt).not.toBeNull();
      const bad = await as("viewer", "GET", `${list}?filter=old`);
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe("invalid-input");
    },
  );

  it.skipIf(!available)(
    "expression check: where and how long, never the value; the expression's namespace is checked",
    async () => {
      const check = await as("viewer", "POST", `${NS}/company.team/expression-check`, {
        expression: "{{ secret('API_KEY') }}",
      });
      expect(check).toMatchObject({
        status: 200,
        body: { namespace: "company", length: 6, expression: { key: "API_KEY" } },
      });
      expect(JSON.stringify(check.body)).not.toContain("s3cr3t");
      const elsewhere = { expression: "{{ secret('API_KEY', namespace='company') }}" };
      expect((await as("namespace-editor", "POST", `${NS}/company.team/expression-check`, elsewhere)).status).toBe(403);
      expect(
        (await as("viewer", "POST", `${NS}/company.team/expression-check`, { expression: "secret(" })).body.code,
      ).toBe("invalid-input");
    },
  );

  it.skipIf(!available)(
    "a dedicated manager: write-only credentials, If-Match on the version, turned off by DELETE",
    async () => {
      await as("tenant-admin", "POST", NS, { path: `mgr-${kind}` });
      const url = `${NS}/mgr-${kind}/manager`;
      const empty = await as("tenant-admin", "GET", url);
      expect(empty).toMatchObject({ status: 200, body: { exists: false, version: null } });
      expect(empty.headers.get("etag")).toBeNull();
      expect((await as("viewer", "GET", url)).status).toBe(403);
      expect(
        (await as("namespace-editor", "PUT", url, { document: vaultDoc("http://127.0.0.1:1", CANARY) })).status,
      ).toBe(403);

      // Turning a manager on switches the namespace's backend: the first PUT answers the preview, the second confirms.
      const preview = await as("tenant-admin", "PUT", url, { document: vaultDoc("http://127.0.0.1:1", CANARY) });
      expect(preview).toMatchObject({ status: 409, body: { code: "switch-confirmation-required" } });
      const created = await as("tenant-admin", "PUT", url, {
        document: vaultDoc("http://127.0.0.1:1", CANARY),
        confirmSwitch: preview.body.preview.confirmation,
      });
      expect(created).toMatchObject({
        status: 200,
        body: { exists: true, version: 1, credentialsSet: ["vault.token.token"] },
      });
      expect(created.headers.get("etag")).toBe('"1"');
      expect(JSON.stringify(created.body)).not.toContain("CANARY");
      expect(JSON.stringify((await as("tenant-admin", "GET", url)).body)).not.toContain("CANARY");
      // Without If-Match a PUT only creates; a stale version is 412.
      const blind = await as("tenant-admin", "PUT", url, { document: vaultDoc("http://127.0.0.1:1", CANARY) });
      expect(blind).toMatchObject({ status: 412, body: { code: "conflict" } });
      expect(
        (await as("tenant-admin", "PUT", url, { document: vaultDoc("http://127.0.0.1:1") }, { "if-match": "banana" }))
          .status,
      ).toBe(400);

      // Omitting the token keeps it while the address is the same…
      const kept = await as(
        "tenant-admin",
        "PUT",
        url,
        { document: vaultDoc("http://127.0.0.1:1") },
        { "if-match": '"1"' },
      );
      expect(kept).toMatchObject({ status: 200, body: { version: 2, credentialsSet: ["vault.token.token"] } });
      // …and is refused (nothing saved, nothing sent) once the address changes.
      const moved = await as(
        "tenant-admin",
        "PUT",
        url,
        { document: vaultDoc("http://127.0.0.2:1") },
        { "if-match": '"2"' },
      );
      expect(moved).toMatchObject({ status: 400, body: { code: "invalid-input" } });
      expect(Object.keys(moved.body.fieldErrors)).toEqual(["vault.token.token"]);
      const unsaved = await as("tenant-admin", "POST", `${url}/verify-unsaved`, {
        document: vaultDoc("http://127.0.0.2:1"),
      });
      expect(unsaved).toMatchObject({ status: 400, body: { code: "invalid-input" } });
      expect(
        (await as("tenant-admin", "PUT", url, { document: vaultDoc("http://127.0.0.1:1") }, { "if-match": '"1"' }))
          .status,
      ).toBe(412);

      // The namespace is served by a read-only backend now: writes are refused before any network call.
      const readOnly = await as("tenant-admin", "POST", `${NS}/mgr-${kind}/secrets`, { key: "NEW", value: "v" });
      expect(readOnly).toMatchObject({ status: 403, body: { code: "read-only" } });

      const verified = await as("viewer", "POST", `${url}/verify`);
      expect(verified.status).toBe(200);
      expect(verified.body.ok).toBe(false);

      expect((await as("tenant-admin", "DELETE", url, undefined, { "if-match": '"1"' })).status).toBe(412);
      const offPreview = await as("tenant-admin", "DELETE", url, undefined, { "if-match": '"2"' });
      expect(offPreview).toMatchObject({ status: 409, body: { code: "switch-confirmation-required" } });
      const off = await as(
        "tenant-admin",
        "DELETE",
        url,
        { confirmSwitch: offPreview.body.preview.confirmation },
        { "if-match": '"2"' },
      );
      expect(off).toMatchObject({ status: 200, body: { exists: true, enabled: false, version: 3 } });
      const actions = (
        await app.prisma.auditEvent.findMany({
          where: { namespace: `mgr-${kind}`, outcome: "success" },
          orderBy: { createdAt: "asc" },
        })
      ).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(["config.created", "config.updated", "config.disabled"]));
      expect(JSON.stringify(await app.prisma.auditEvent.findMany())).not.toContain("CANARY");
    },
  );

  it.skipIf(!available)("the tenant's manager has no namespace field: one in the body is refused", async () => {
    const r = await as("tenant-admin", "PUT", "/api/v1/tenants/acme/manager", {
      namespace: "company",
      document: vaultDoc("http://127.0.0.1:1", CANARY),
    });
    expect(r).toMatchObject({ status: 400, body: { code: "invalid-input" } });
  });

  it.skipIf(!available)(
    "audit: a tenant's log for its administrators, the instance's for instance administrators",
    async () => {
      const page = await as("tenant-admin", "GET", "/api/v1/tenants/acme/audit?action=secret.");
      expect(page.status).toBe(200);
      expect(page.body.rows.length).toBeGreaterThan(0);
      expect(page.body.rows.every((r: { tenant: string }) => r.tenant === "acme")).toBe(true);
      expect((await as("viewer", "GET", "/api/v1/tenants/acme/audit")).status).toBe(403);
      expect((await as("tenant-admin", "GET", "/api/v1/audit")).status).toBe(403);
      expect((await as("instance-admin", "GET", "/api/v1/audit")).status).toBe(200);
      actAs(s, "tenant-admin");
      const csv = await api("GET", "/api/v1/tenants/acme/audit/csv");
      expect(csv.status).toBe(200);
      expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
      expect((await csv.text()).split("\n")[0]).toContain("action");
      expect((await as("tenant-admin", "GET", "/api/v1/tenants/acme/audit?from=2026-13-45")).body.code).toBe(
        "invalid-input",
      );
    },
  );
});
