// API tokens through REST API v1 (/api/v1/api-tokens): the same rules as the console's API tokens page, per role, and
// with a token as the caller: never a token with more rights or a longer life than its own, and revoking it stops those
// it made.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { TEST_DATABASES } from "../../support/test-db";
import { actAs, openAppDatabase, seed, type AppDatabase, type Caller, type Seed } from "../../support/guarded-app";
import { apiJson } from "../../support/api-v1";

vi.mock("../../../lib/auth/session", async (original) => ({
  ...(await original<object>()),
  currentSession: (await import("../../support/guarded-app")).sessionOfCaller,
}));
vi.mock("next/headers", async () => (await import("../../support/guarded-app")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("../../support/guarded-app")).nextCacheMock);

const URL_ = "/api/v1/api-tokens";

describe.each(TEST_DATABASES)("API tokens over REST API v1 on $kind", ({ kind, available }) => {
  let app: AppDatabase;
  let s: Seed;
  let n = 0;
  const name = () => `e${++n}-${kind}`;

  beforeAll(async () => {
    if (!available) return;
    app = await openAppDatabase(kind);
    s = await seed(app.prisma);
  });
  afterAll(() => app?.close());
  afterEach(() => actAs(s, "anonymous"));

  const as = (who: Caller, method: string, url: string, body?: unknown) => {
    actAs(s, who);
    return apiJson(method, url, { body });
  };
  const withToken = (token: string, method: string, url: string, body?: unknown) => {
    actAs(s, "anonymous");
    return apiJson(method, url, { token, body });
  };

  it.skipIf(!available)("per role: create shown once, list without the secret, revoke; audited", async () => {
    const body = { name: name(), role: "viewer", tenant: "acme", namespace: "company.team", expiresInDays: 7 };
    const statuses: Record<string, number> = {};
    for (const who of ["namespace-editor", "viewer", "anonymous"] as Caller[])
      statuses[who] = (await as(who, "POST", URL_, { ...body, name: name() })).status;
    expect(statuses).toEqual({ "namespace-editor": 403, viewer: 403, anonymous: 401 });
    expect((await as("viewer", "GET", URL_)).body).toEqual({ tokens: [] });
    expect((await as("anonymous", "GET", URL_)).status).toBe(401);

    const created = await as("tenant-admin", "POST", URL_, body);
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^kh_[A-Za-z0-9_-]{43}$/);
    const listed = await as("tenant-admin", "GET", URL_);
    expect(listed.status).toBe(200);
    const mine = listed.body.tokens.find((t: { name: string }) => t.name === body.name);
    expect(mine).toMatchObject({ role: "viewer", tenant: "acme", namespace: "company.team", revokedAt: null });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token.slice(11));
    expect((await withToken(created.body.token, "GET", "/api/v1/tenants/acme/namespaces")).status).toBe(200);

    // A viewer may not revoke it (it cannot see it); the tenant administrator can.
    expect((await as("viewer", "DELETE", `${URL_}/${created.body.id}`)).status).toBe(404);
    const revoked = await as("tenant-admin", "DELETE", `${URL_}/${created.body.id}`);
    expect(revoked).toMatchObject({ status: 200, body: { name: body.name } });
    expect((await withToken(created.body.token, "GET", "/api/v1/tenants/acme/namespaces")).status).toBe(401);
    const audit = await app.prisma.auditEvent.findMany({
      where: {
        action: { in: ["api-token.created", "api-token.revoked"] },
        details: { path: ["name"], equals: body.name },
      },
    });
    expect(audit.map((a) => a.action).sort()).toEqual(["api-token.created", "api-token.revoked"]);
    expect(JSON.stringify(audit)).not.toContain(created.body.token);
    // Bad input: a coded 400, nothing created.
    const bad = await as("tenant-admin", "POST", URL_, { ...body, name: "Bad Name", expiresInDays: 999 });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("invalid-input");
    expect(Object.keys(bad.body.fieldErrors).sort()).toEqual(["expiresInDays", "name"]);
  });

  it.skipIf(!available)("a token makes tokens only within its own binding and life", async () => {
    const parent = await as("tenant-admin", "POST", URL_, {
      name: name(),
      serviceAccount: `ci-${kind}`,
      role: "tenant-admin",
      tenant: "acme",
      expiresInDays: 2,
    });
    expect(parent.status).toBe(201);
    const p = parent.body.token as string;
    // More than its binding: the instance role, another tenant. Refused, nothing created.
    for (const more of [
      { role: "instance-admin" },
      { role: "viewer", tenant: "globex" },
      { role: "tenant-admin", tenant: "globex" },
    ]) {
      const r = await withToken(p, "POST", URL_, { name: name(), expiresInDays: 1, ...more });
      expect(r.status, JSON.stringify(more)).toBe(403);
    }
    // Within it: a viewer of acme for the service account itself, asked for 30 days, capped at the parent's expiry.
    const child = await withToken(p, "POST", URL_, { name: name(), role: "viewer", tenant: "acme", expiresInDays: 30 });
    expect(child.status).toBe(201);
    expect(new Date(child.body.expiresAt).getTime()).toBeLessThanOrEqual(new Date(parent.body.expiresAt).getTime());
    const c = child.body.token as string;
    expect((await withToken(c, "GET", "/api/v1/tenants/acme/namespaces")).status).toBe(200);
    expect((await withToken(c, "POST", "/api/v1/tenants/acme/namespaces", { path: "nope" })).status).toBe(403);
    // A viewer token makes no token at all, and lists none.
    expect(
      (await withToken(c, "POST", URL_, { name: name(), role: "viewer", tenant: "acme", expiresInDays: 1 })).status,
    ).toBe(403);
    expect((await withToken(c, "GET", URL_)).body).toEqual({ tokens: [] });
    // The parent sees what it made; revoking the parent stops the child, and the list says so.
    const seen = await withToken(p, "GET", URL_);
    expect(seen.body.tokens.map((t: { name: string }) => t.name)).toContain(child.body.name);
    expect((await as("tenant-admin", "DELETE", `${URL_}/${parent.body.id}`)).status).toBe(200);
    expect((await withToken(c, "GET", "/api/v1/tenants/acme/namespaces")).status).toBe(401);
    const row = await app.prisma.apiToken.findUniqueOrThrow({ where: { id: child.body.id } });
    expect(row.revokedAt).not.toBeNull();
    expect(row.parentTokenId).toBe(parent.body.id);
  });

  it.skipIf(!available)("a child stops when its parent expires, even unrevoked", async () => {
    const parent = await as("tenant-admin", "POST", URL_, {
      name: name(),
      role: "tenant-admin",
      tenant: "acme",
      expiresInDays: 5,
    });
    const child = await withToken(parent.body.token, "POST", URL_, {
      name: name(),
      role: "viewer",
      tenant: "acme",
      expiresInDays: 1,
    });
    expect((await withToken(child.body.token, "GET", "/api/v1/tenants/acme/namespaces")).status).toBe(200);
    await app.prisma.apiToken.update({
      where: { id: parent.body.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await withToken(child.body.token, "GET", "/api/v1/tenants/acme/namespaces")).status).toBe(401);
  });

  it.skipIf(!available)("a chain of tokens made with tokens stops at 8 tokens, each still working", async () => {
    const root = await as("tenant-admin", "POST", URL_, {
      name: name(),
      role: "tenant-admin",
      tenant: "acme",
      expiresInDays: 3,
    });
    let token = root.body.token as string;
    for (let depth = 1; depth < 8; depth++) {
      const next = await withToken(token, "POST", URL_, {
        name: name(),
        role: "tenant-admin",
        tenant: "acme",
        expiresInDays: 3,
      });
      expect(next.status, `depth ${depth}`).toBe(201);
      token = next.body.token;
      expect((await withToken(token, "GET", "/api/v1/tenants/acme/namespaces")).status, `depth ${depth}`).toBe(200);
    }
    const tooDeep = await withToken(token, "POST", URL_, {
      name: name(),
      role: "tenant-admin",
      tenant: "acme",
      expiresInDays: 3,
    });
    expect(tooDeep.status).toBe(403);
    expect(tooDeep.body.detail).toContain("at most 8 deep");
  });
});
