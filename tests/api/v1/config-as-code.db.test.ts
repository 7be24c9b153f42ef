// Configuration as code through REST API v1 (config-export, config-plan, config-apply), per role, on a seeded database
// through the real route handlers: the same permission matrix and audit as the console, credentials only as ${ENV}
// references on the way out, and values for them only from the caller (never the server's own environment).
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

const T = "/api/v1/tenants";
const SERVER_CANARY = "hvs.SERVER-ENV-CANARY";
const CALLER_CANARY = "hvs.CALLER-CANARY";

const vaultFile = (tenant: string, token: string, address = "http://127.0.0.1:1") => `keyhold:
  tenant: ${tenant}
  display-name: ${tenant === "acme" ? "Acme" : tenant}
namespaces:
  company.team:
    kestra:
      secret:
        type: vault
        read-only: true
        vault:
          address: ${address}
          token:
            token: ${token}
`;

describe.each(TEST_DATABASES)("configuration as code over REST API v1 on $kind", ({ kind, available }) => {
  let app: AppDatabase;
  let s: Seed;

  beforeAll(async () => {
    if (!available) return;
    app = await openAppDatabase(kind);
    s = await seed(app.prisma);
  });
  afterAll(() => app?.close());
  afterEach(() => {
    actAs(s, "anonymous");
    delete process.env.KEYHOLD_TEST_SERVER_TOKEN;
    delete process.env.KEYHOLD_TEST_SERVER_ADDRESS;
  });

  const as = (who: Caller, method: string, url: string, body?: unknown) => {
    actAs(s, who);
    return apiJson(method, url, { body });
  };
  const stored = async (tenant: string) => {
    const t = await app.prisma.tenant.findUnique({ where: { slug: tenant } });
    if (!t) return [];
    return app.prisma.secretsManagerConfig.findMany({ where: { tenantId: t.id } });
  };

  it.skipIf(!available)(
    "security: an apply never resolves ${ENV} from the server's environment (credential or setting)",
    async () => {
      process.env.KEYHOLD_TEST_SERVER_TOKEN = SERVER_CANARY;
      process.env.KEYHOLD_TEST_SERVER_ADDRESS = "https://server-env.example.com:8200";
      // A credential reference the caller did not send: nothing is stored to keep, so it is refused; the server's value is not used.
      const cred = await as("instance-admin", "POST", `${T}/acme/config-apply`, {
        file: vaultFile("acme", "${KEYHOLD_TEST_SERVER_TOKEN}"),
      });
      expect(cred.status).toBe(400);
      expect(cred.body.code).toBe("invalid-input");
      expect(cred.body.detail).toContain("KEYHOLD_TEST_SERVER_TOKEN");
      expect(JSON.stringify(cred.body)).not.toContain(SERVER_CANARY);
      // A setting reference the caller did not send: refused too, never the server's address.
      const setting = await as("instance-admin", "POST", `${T}/acme/config-apply`, {
        file: vaultFile("acme", "${TOKEN}", "${KEYHOLD_TEST_SERVER_ADDRESS}"),
        variables: { TOKEN: CALLER_CANARY },
      });
      expect(setting.status).toBe(400);
      expect(setting.body.detail).toContain("KEYHOLD_TEST_SERVER_ADDRESS");
      expect(JSON.stringify(setting.body)).not.toContain("server-env.example.com");
      expect(await stored("acme")).toEqual([]);
      const plan = await as("instance-admin", "POST", `${T}/acme/config-plan`, {
        file: vaultFile("acme", "${KEYHOLD_TEST_SERVER_TOKEN}"),
      });
      expect(plan.status).toBe(400);
      // Sent by the caller, the value is used, whatever the server's environment holds under that name.
      const sentBody = {
        file: vaultFile("acme", "${KEYHOLD_TEST_SERVER_TOKEN}"),
        variables: { KEYHOLD_TEST_SERVER_TOKEN: CALLER_CANARY },
      };
      // The manager switches company.team off the builtin store: applied with the plan that previewed the switch.
      const sentPlan = await as("instance-admin", "POST", `${T}/acme/config-plan`, sentBody);
      const sent = await as("instance-admin", "POST", `${T}/acme/config-apply`, {
        ...sentBody,
        planVersion: sentPlan.body.planVersion,
      });
      expect(sent.status).toBe(200);
      expect(sent.body.applied).toBe(1);
      const { openCredentials } = await import("../../../lib/managers/credential-binding");
      const [row] = await stored("acme");
      const ns = await app.prisma.namespace.findUniqueOrThrow({ where: { id: row.namespaceId! } });
      const creds = openCredentials(
        row.credentials!,
        { tenantId: row.tenantId, namespaceId: row.namespaceId, namespace: ns.path, scopeKey: row.scopeKey },
        { ...(row.settings as object), type: "vault" } as never,
      );
      expect(creds).toEqual({ "vault.token.token": CALLER_CANARY });
      await app.prisma.secretsManagerConfig.deleteMany({ where: { tenantId: row.tenantId } });
    },
  );

  it.skipIf(!available)(
    "export, plan and apply: tenant administrators and up; viewers and editors refused",
    async () => {
      const file = vaultFile("acme", "${ACME_TOKEN}");
      const body = { file, variables: { ACME_TOKEN: CALLER_CANARY } };
      const statuses: Record<string, number[]> = {};
      for (const who of ["viewer", "namespace-editor", "anonymous"] as Caller[]) {
        statuses[who] = [
          (await as(who, "GET", `${T}/acme/config-export`)).status,
          (await as(who, "POST", `${T}/acme/config-plan`, body)).status,
          (await as(who, "POST", `${T}/acme/config-apply`, body)).status,
        ];
      }
      expect(statuses).toEqual({
        viewer: [403, 403, 403],
        "namespace-editor": [403, 403, 403],
        anonymous: [401, 401, 401],
      });
      expect(await stored("acme")).toEqual([]);
      // A tenant administrator of acme may not touch globex, nor create a tenant.
      expect((await as("tenant-admin", "GET", `${T}/globex/config-export`)).status).toBe(403);
      expect(
        (await as("tenant-admin", "POST", `${T}/newco/config-plan`, { file: vaultFile("newco", "${X}") })).status,
      ).toBe(403);
      const refusals = await app.prisma.auditEvent.count({
        where: { action: "config-as-code.apply", outcome: "forbidden" },
      });
      expect(refusals).toBeGreaterThanOrEqual(2);

      // The tenant administrator: plan, apply with the plan's version, apply again (nothing), export.
      const plan = await as("tenant-admin", "POST", `${T}/acme/config-plan`, body);
      expect(plan.status).toBe(200);
      expect(plan.body.items).toHaveLength(1);
      expect(plan.body.items[0]).toMatchObject({ kind: "manager", scope: "namespace company.team", action: "create" });
      // Its lines: the manager, then the switch off the builtin store with the preview's counts and the lost key.
      expect(plan.body.items[0].details[0]).toBe("vault, read-only true");
      expect(plan.body.items[0].details).toContain("would disappear: company.team DB");
      expect(plan.body.changes).toBe(true);
      expect(JSON.stringify(plan.body)).not.toContain(CALLER_CANARY);
      const applied = await as("tenant-admin", "POST", `${T}/acme/config-apply`, {
        ...body,
        planVersion: plan.body.planVersion,
      });
      expect(applied.status).toBe(200);
      expect(applied.body.applied).toBe(1);
      expect(JSON.stringify(applied.body)).not.toContain(CALLER_CANARY);
      // The plan's version is stale now: an apply naming it changes nothing.
      const stale = await as("tenant-admin", "POST", `${T}/acme/config-apply`, {
        ...body,
        planVersion: plan.body.planVersion,
      });
      expect(stale.status).toBe(409);
      expect(stale.body.code).toBe("conflict");
      const again = await as("tenant-admin", "POST", `${T}/acme/config-apply`, body);
      expect(again.body).toMatchObject({ applied: 0, plan: { changes: false } });
      // Without the value: the stored credential is kept (same destination), so nothing changes either.
      const kept = await as("tenant-admin", "POST", `${T}/acme/config-plan`, { file });
      expect(kept.body.changes).toBe(false);
      // Without the value and with another address: the stored token may not follow; refused, nothing changes.
      const moved = await as("tenant-admin", "POST", `${T}/acme/config-apply`, {
        file: vaultFile("acme", "${ACME_TOKEN}", "http://127.0.0.2:1"),
      });
      expect(moved.status).toBe(400);
      expect(moved.body.detail).toContain("ACME_TOKEN");
      const [row] = await stored("acme");
      expect(row.version).toBe(1);

      const exported = await as("tenant-admin", "GET", `${T}/acme/config-export`);
      expect(exported.status).toBe(200);
      expect(exported.body.yaml).toContain("token: ${ACME_COMPANY_TEAM_VAULT_TOKEN_TOKEN}");
      expect(exported.body.document.namespaces["company.team"].kestra.secret.vault.token.token).toBe(
        "${ACME_COMPANY_TEAM_VAULT_TOKEN_TOKEN}",
      );
      expect(exported.body.variables).toEqual([
        {
          variable: "ACME_COMPANY_TEAM_VAULT_TOKEN_TOKEN",
          scope: "namespace company.team",
          credential: "vault.token.token",
        },
      ]);
      expect(JSON.stringify(exported.body)).not.toContain(CALLER_CANARY);
      const audit = await app.prisma.auditEvent.findMany({
        where: { tenantId: s.acme.id, action: { in: ["config.created", "config-as-code.planned"] } },
      });
      expect(audit.map((a) => a.action)).toContain("config.created");
      expect(audit.map((a) => a.action)).toContain("config-as-code.planned");
      expect(JSON.stringify(audit)).not.toContain(CALLER_CANARY);
      // The file's tenant must be the path's.
      const other = await as("tenant-admin", "POST", `${T}/acme/config-plan`, { file: vaultFile("globex", "${X}") });
      expect(other.status).toBe(400);
      expect(other.body.fieldErrors).toHaveProperty("file");
      await app.prisma.secretsManagerConfig.deleteMany({ where: { tenantId: s.acme.id } });
    },
  );

  it.skipIf(!available)(
    "an apply that switches a namespace's backend needs the plan that previewed it (as a PUT needs its confirmation)",
    async () => {
      // company.team sees builtin secrets now (DB, and API_KEY from company): a Vault manager there switches its backend.
      // Its address is refused by the egress policy (loopback), so the preview counts the new Vault as empty: DB would
      // disappear, API_KEY stays (inherited from company, still on the builtin store).
      const body = { file: vaultFile("acme", "${T}", "http://127.0.0.1:1"), variables: { T: CALLER_CANARY } };
      const seen = await as("tenant-admin", "POST", `${T}/acme/config-plan`, body);
      expect(seen.status).toBe(200);
      const [item] = seen.body.items;
      expect(item).toMatchObject({ kind: "manager", scope: "namespace company.team", action: "create" });
      expect(item.details.some((d: string) => d.startsWith("switches the backend serving it"))).toBe(true);
      const counts = item.details.find((d: string) => d.includes("key(s) visible now"));
      expect(counts).toBeDefined();

      // Without the plan's version: refused, nothing saved.
      const blind = await as("tenant-admin", "POST", `${T}/acme/config-apply`, body);
      expect(blind.status).toBe(409);
      expect(blind.body.code).toBe("switch-confirmation-required");
      expect(blind.body.detail).toContain("namespace company.team");
      expect(await stored("acme")).toEqual([]);

      // With it: saved as a confirmed switch, its counts in the audit entry.
      const applied = await as("tenant-admin", "POST", `${T}/acme/config-apply`, {
        ...body,
        planVersion: seen.body.planVersion,
      });
      expect(applied.status).toBe(200);
      expect(applied.body.applied).toBe(1);
      expect(await stored("acme")).toHaveLength(1);
      const entry = await app.prisma.auditEvent.findFirst({
        where: { tenantId: s.acme.id, action: "config.created", outcome: "success" },
        orderBy: { createdAt: "desc" },
      });
      expect(entry?.details).toMatchObject({ switch: { current: 2, kept: 1, missing: 1 } });
      expect(JSON.stringify(entry)).not.toContain(CALLER_CANARY);
      await app.prisma.secretsManagerConfig.deleteMany({ where: { tenantId: s.acme.id } });
    },
  );

  it.skipIf(!available)(
    "an instance administrator creates a tenant from a file; bad files change nothing",
    async () => {
      const slug = `cac-${kind}`;
      const created = await as("instance-admin", "POST", `${T}/${slug}/config-apply`, {
        file: vaultFile(slug, "${T1}"),
        variables: { T1: CALLER_CANARY },
      });
      expect(created.status).toBe(200);
      expect(created.body.plan.items.map((i: { kind: string; action: string }) => `${i.kind} ${i.action}`)).toEqual([
        "tenant create",
        "namespace create",
        "namespace create",
        "manager create",
      ]);
      expect(created.body.applied).toBe(4);
      for (const bad of ["keyhold: [", "keyhold:\n  tenant: x\n  extra: 1\n", "{}"]) {
        const r = await as("instance-admin", "POST", `${T}/bad-${kind}/config-apply`, { file: bad });
        expect(r.status, bad).toBe(400);
        expect(r.headers.get("content-type")).toBe("application/problem+json");
      }
      expect(await app.prisma.tenant.findUnique({ where: { slug: `bad-${kind}` } })).toBeNull();
      // A literal credential in the file is refused: a credential must be a reference.
      const literal = await as("instance-admin", "POST", `${T}/${slug}/config-plan`, {
        file: vaultFile(slug, "hvs.literal"),
      });
      expect(literal.status).toBe(400);
      expect(JSON.stringify(literal.body)).not.toContain("hvs.literal");
    },
  );
});
