// API tokens end to end through the REST API's route handlers: shown once and stored hashed, the bound role and no more,
// every use audited with the token's name, expiry, revocation, the per-token rate limit, and the creator's own limits.
import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { TEST_DATABASES } from "../../support/test-db";
import {
  actAs,
  openAppDatabase,
  seed,
  sessionOfCaller,
  type AppDatabase,
  type Caller,
  type Seed,
} from "../../support/guarded-app";
import { apiJson } from "../../support/api-v1";

vi.mock("../../../lib/auth/session", async (original) => ({
  ...(await original<object>()),
  currentSession: (await import("../../support/guarded-app")).sessionOfCaller,
}));
vi.mock("next/headers", async () => (await import("../../support/guarded-app")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("../../support/guarded-app")).nextCacheMock);

const { createApiToken, listApiTokens, revokeApiToken } = await import("../../../lib/auth/api-tokens");
type Input = Parameters<typeof createApiToken>[2];

const NS = "/api/v1/tenants/acme/namespaces";

describe.each(TEST_DATABASES)("API tokens on $kind", ({ kind, available }) => {
  let app: AppDatabase;
  let s: Seed;
  let n = 0;

  beforeAll(async () => {
    if (!available) return;
    app = await openAppDatabase(kind);
    s = await seed(app.prisma);
  });
  afterAll(() => app?.close());
  afterEach(() => {
    delete process.env.KEYHOLD_API_RATE_LIMIT;
    actAs(s, "anonymous");
  });

  /** A token created by `who` (signed in), then the caller signs out: only the bearer token speaks. */
  async function tokenBy(who: Caller, input: Partial<Input>) {
    actAs(s, who);
    const session = (await sessionOfCaller())!;
    const created = await createApiToken(app.prisma, session, {
      name: `t${++n}-${kind}`,
      role: "viewer",
      tenant: "acme",
      namespace: null,
      expiresInDays: 30,
      ...input,
    } as Input);
    actAs(s, "anonymous");
    return created;
  }

  it.skipIf(!available)(
    "is shown once and stored as a SHA-256 digest, acts with its bound role only, and each use is audited with its name",
    async () => {
      const { token, name } = await tokenBy("tenant-admin", {
        serviceAccount: "ci",
        role: "viewer",
        namespace: "company.team",
      });
      expect(token).toMatch(/^kh_[A-Za-z0-9_-]{43}$/);
      const row = await app.prisma.apiToken.findUniqueOrThrow({ where: { name }, include: { user: true } });
      expect(row.hash).toBe(createHash("sha256").update(token).digest("hex"));
      expect(JSON.stringify(row)).not.toContain(token.slice(3));
      expect(row.user.email).toBe("ci@service-accounts.keyhold.invalid");
      expect(row.lastUsedAt).toBeNull();

      const listed = await apiJson("GET", `${NS}/company.team/secrets`, { token });
      expect(listed.status).toBe(200);
      expect(listed.body.rows.map((r: { key: string }) => r.key).sort()).toEqual(["API_KEY", "DB"]);
      // A viewer of company.team: not its parent, not writes.
      expect((await apiJson("GET", `${NS}/company/secrets`, { token })).status).toBe(403);
      const write = await apiJson("POST", `${NS}/company.team/secrets`, { token, body: { key: "NEW", value: "v" } });
      expect(write.status).toBe(403);
      expect(write.headers.get("content-type")).toBe("application/problem+json");
      expect(write.body).toMatchObject({ code: "forbidden", status: 403 });
      expect(await app.prisma.builtinSecret.count({ where: { key: "NEW" } })).toBe(0);

      actAs(s, "tenant-admin");
      const [view] = (await listApiTokens(app.prisma, (await sessionOfCaller())!)).filter((t) => t.name === name);
      expect(view).toMatchObject({ name, role: "viewer", tenant: "acme", namespace: "company.team", revokedAt: null });
      expect(view.lastUsedAt).not.toBeNull();
      expect(JSON.stringify(view)).not.toContain(token);
      const uses = await app.prisma.auditEvent.findMany({
        where: { action: "api-token.used", actor: { contains: name } },
      });
      expect(
        uses.map((u) => [(u.details as { token: string }).token, (u.details as { status: number }).status]).sort(),
      ).toEqual([
        [name, 200],
        [name, 403],
        [name, 403],
      ]);
    },
  );

  it.skipIf(!available)("answers 401 to an expired, a revoked, an unknown or a malformed token", async () => {
    const expired = await tokenBy("tenant-admin", {});
    const revoked = await tokenBy("tenant-admin", {});
    const url = "/api/v1/tenants/acme/namespaces";
    expect((await apiJson("GET", url, { token: expired.token })).status).toBe(200);
    await app.prisma.apiToken.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    actAs(s, "tenant-admin");
    await revokeApiToken(app.prisma, (await sessionOfCaller())!, revoked.id);
    actAs(s, "anonymous");
    for (const token of [expired.token, revoked.token, `kh_${"A".repeat(43)}`, "not-a-token"]) {
      const r = await apiJson("GET", url, { token });
      expect(r.status, token.slice(0, 6)).toBe(401);
      expect(r.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(r.body.code).toBe("unauthenticated");
    }
    // No token and no session: 401 as well.
    expect((await apiJson("GET", url)).status).toBe(401);
    expect(await app.prisma.auditEvent.count({ where: { action: "api-token.revoked" } })).toBeGreaterThan(0);
  });

  it.skipIf(!available)("limits each token on its own: 429 with Retry-After, another token unaffected", async () => {
    process.env.KEYHOLD_API_RATE_LIMIT = "3";
    const a = await tokenBy("tenant-admin", {});
    const b = await tokenBy("tenant-admin", {});
    const url = "/api/v1/tenants/acme/namespaces";
    for (let i = 0; i < 3; i++) expect((await apiJson("GET", url, { token: a.token })).status).toBe(200);
    const limited = await apiJson("GET", url, { token: a.token });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(limited.body.code).toBe("rate-limited");
    expect((await apiJson("GET", url, { token: b.token })).status).toBe(200);
  });

  it.skipIf(!available)(
    "audits a token's refusals once per limit window, with its name: a flood cannot fill the audit log",
    async () => {
      process.env.KEYHOLD_API_RATE_LIMIT = "2";
      const a = await tokenBy("tenant-admin", {});
      const b = await tokenBy("tenant-admin", {});
      const url = "/api/v1/tenants/acme/namespaces";
      const refusals = async (name: string) =>
        (
          await app.prisma.auditEvent.findMany({
            where: { action: "api-token.rate-limited", actor: { contains: `(token ${name})` } },
            orderBy: { createdAt: "asc" },
          })
        ).map((e) => ({ tenantId: e.tenantId, outcome: e.outcome, details: e.details }));
      const statuses = async (token: string, times: number, path = url) => {
        const out: number[] = [];
        for (let i = 0; i < times; i++) out.push((await apiJson("GET", path, { token })).status);
        return out;
      };
      const entry = (name: string, path = url) => ({
        tenantId: s.acme.id,
        outcome: "rate-limited",
        details: { token: name, limit: 2, method: "GET", path },
      });
      expect(await statuses(a.token, 12)).toEqual([200, 200, ...Array(10).fill(429)]);
      expect(await refusals(a.name)).toEqual([entry(a.name)]);
      // Refused requests are not `api-token.used` entries as well: the flood left none.
      expect(
        await app.prisma.auditEvent.count({
          where: { action: "api-token.used", actor: { contains: `(token ${a.name})` } },
        }),
      ).toBe(2);
      // Another token: its own entry.
      expect(await statuses(b.token, 4)).toEqual([200, 200, 429, 429]);
      expect(await refusals(b.name)).toEqual([entry(b.name)]);
      // The next window: the bucket has refilled, and the next refusal is recorded once more.
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 61_000 });
      try {
        expect(await statuses(a.token, 5, `${url}/company/secrets`)).toEqual([200, 200, 429, 429, 429]);
      } finally {
        vi.useRealTimers();
      }
      expect(await refusals(a.name)).toEqual([entry(a.name), entry(a.name, `${url}/company/secrets`)]);
    },
  );

  it.skipIf(!available)("never holds more than its creator may grant, now or later", async () => {
    const refused = async (who: Caller, input: Partial<Input>) => {
      await expect(tokenBy(who, input)).rejects.toMatchObject({ code: "forbidden" });
    };
    await refused("tenant-admin", { role: "instance-admin", tenant: null });
    await refused("tenant-admin", { role: "viewer", tenant: "globex" });
    await refused("namespace-editor", { role: "viewer", namespace: "company.team" });
    await refused("viewer", { role: "viewer" });
    expect(await app.prisma.apiToken.count({ where: { name: { startsWith: `t${n}` } } })).toBe(0);

    // A tenant administrator's token for itself writes as a tenant administrator…
    const { token } = await tokenBy("tenant-admin", { role: "tenant-admin" });
    const created = await apiJson("POST", `/api/v1/tenants/acme/namespaces`, { token, body: { path: `made.${kind}` } });
    expect(created.status).toBe(201);
    const entry = await app.prisma.auditEvent.findFirstOrThrow({
      where: { action: "namespace.created", namespace: `made.${kind}` },
    });
    expect(entry.actor).toContain("(token ");
    // …but not in another tenant, and it stops when its creator loses the role.
    expect((await apiJson("GET", "/api/v1/tenants/globex/namespaces", { token })).status).toBe(403);
    const binding = await app.prisma.roleBinding.findFirstOrThrow({ where: { userId: s.users["tenant-admin"] } });
    await app.prisma.roleBinding.delete({ where: { id: binding.id } });
    try {
      expect((await apiJson("GET", "/api/v1/tenants/acme/namespaces", { token })).status).toBe(401);
    } finally {
      await app.prisma.roleBinding.create({ data: binding });
    }
  });

  it.skipIf(!available)("an editor's token writes where its binding reaches, and nowhere else", async () => {
    const { token } = await tokenBy("namespace-editor", { role: "viewer", namespace: "company.team" }).catch(() => ({
      token: "",
    }));
    expect(token).toBe("");
    const editor = await tokenBy("tenant-admin", { role: "namespace-editor", namespace: "company.team" });
    const ok = await apiJson("POST", `${NS}/company.team/secrets`, {
      token: editor.token,
      body: { key: `EDITOR_${kind}`, value: "v", tags: [{ key: "env", value: "ci" }] },
    });
    expect(ok).toMatchObject({ status: 201, body: { key: `EDITOR_${kind}` } });
    const denied = await apiJson("POST", `${NS}/company/secrets`, {
      token: editor.token,
      body: { key: "X", value: "v" },
    });
    expect(denied.status).toBe(403);
    const refusals = await app.prisma.auditEvent.count({
      where: { action: "secret.create", outcome: "forbidden", actor: { contains: `(token ${editor.name})` } },
    });
    expect(refusals).toBe(1);
  });
});
