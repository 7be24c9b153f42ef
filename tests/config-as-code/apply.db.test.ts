import { beforeEach, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../lib/db/generated/client";
import { migratedPrisma, TEST_DATABASES } from "../support/test-db";
import { KeyholdError } from "../../lib/errors";
import { exportTenant } from "../../lib/config-as-code/export";
import { planTenant, SWITCH_LINE } from "../../lib/config-as-code/plan";
import { applyPlan } from "../../lib/config-as-code/apply";
import { saveConfig } from "../../lib/managers/config-store";
import { openCredentials } from "../../lib/managers/credential-binding";
import { resolveScope } from "../../lib/managers/scope";

process.env.KEYHOLD_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");

const TOKEN = "hvs.CANARY-token-31337";
const SECRET = "CANARY-aws-secret-42";
const ADMIN = { instanceAdmin: true };
const ACTOR = "cli:test@host";

const FILE = `keyhold:
  tenant: acme
  display-name: Acme Corp
kestra:
  secret:
    type: vault
    read-only: true
    vault:
      address: https://vault.example.com:8200
      secret-path-prefix: app1
      token:
        token: \${ACME_VAULT_TOKEN_TOKEN}
namespaces:
  company: {}
  company.team:
    kestra:
      secret:
        type: aws-secret-manager
        aws-secret-manager:
          region: eu-west-1
          access-key-id: AKIAEXAMPLE
          secret-key-id: \${ACME_COMPANY_TEAM_AWS_SECRET_MANAGER_SECRET_KEY_ID}
  ops: {}
`;
const ENV = { ACME_VAULT_TOKEN_TOKEN: TOKEN, ACME_COMPANY_TEAM_AWS_SECRET_MANAGER_SECRET_KEY_ID: SECRET };

async function rejection(p: Promise<unknown>): Promise<KeyholdError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyholdError);
  return error as KeyholdError;
}

/** Everything a change could touch, to show that a refused apply changed nothing. */
async function snapshot(prisma: PrismaClient) {
  return JSON.stringify([
    await prisma.tenant.findMany({ select: { slug: true }, orderBy: { slug: "asc" } }),
    await prisma.namespace.findMany({ select: { path: true }, orderBy: { path: "asc" } }),
    await prisma.secretsManagerConfig.findMany({
      select: { scopeKey: true, version: true, enabled: true, settings: true },
      orderBy: { scopeKey: "asc" },
    }),
    await prisma.auditEvent.count(),
  ]);
}

describe.each(TEST_DATABASES)("configuration as code on $kind", ({ kind, available }) => {
  const source = migratedPrisma(kind, available, { freshEachTest: true });
  let prisma: PrismaClient;
  const plan = (text = FILE, env: Record<string, string | undefined> = ENV) =>
    planTenant(prisma, text, "acme.yaml", env, ADMIN);
  const apply = async (text = FILE, env: Record<string, string | undefined> = ENV) =>
    applyPlan(prisma, await plan(text, env), ACTOR, ADMIN);

  beforeEach(() => {
    if (available) prisma = source.get();
  });

  it.skipIf(!available)(
    "applies on an empty instance, then exports the same file, credentials as references",
    async () => {
      const first = await plan();
      expect(first.items.map((i) => [i.kind, i.scope, i.action])).toEqual([
        ["tenant", "tenant", "create"],
        ["namespace", "namespace company", "create"],
        ["namespace", "namespace company.team", "create"],
        ["namespace", "namespace ops", "create"],
        ["manager", "tenant", "create"],
        ["manager", "namespace company.team", "create"],
      ]);
      expect(JSON.stringify(first)).not.toContain("CANARY");
      expect(await applyPlan(prisma, first, ACTOR, ADMIN)).toEqual({ applied: 6 });

      const exported = await exportTenant(prisma, "acme");
      expect(exported.yaml).not.toContain("CANARY");
      expect(exported.variables.map((v) => v.variable).sort()).toEqual(Object.keys(ENV).sort());
      // The stored credentials are the environment's values, sealed for their scope.
      const tenant = await prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } });
      const scope = await resolveScope(prisma, tenant.id, "company.team");
      const row = await prisma.secretsManagerConfig.findFirstOrThrow({ where: { namespaceId: scope.namespaceId } });
      expect(
        openCredentials(row.credentials!, scope, { ...(row.settings as object), type: "aws-secret-manager" } as never),
      ).toEqual({
        "aws-secret-manager.secret-key-id": SECRET,
      });

      // Idempotent: the exported file (and the original) plan no change and apply nothing.
      const again = await plan(exported.yaml);
      expect(again.changes).toBe(false);
      expect(again.items.every((i) => i.action === "unchanged")).toBe(true);
      expect(await applyPlan(prisma, again, ACTOR, ADMIN)).toEqual({ applied: 0 });
      expect((await plan()).changes).toBe(false);
      expect((await exportTenant(prisma, "acme")).yaml).toBe(exported.yaml);

      // Every change was audited with the CLI as the actor.
      const audit = await prisma.auditEvent.findMany({
        select: { actor: true, action: true },
        orderBy: { createdAt: "asc" },
      });
      expect(audit.map((a) => a.action).sort()).toEqual(
        [
          "config.created",
          "config.created",
          "namespace.created",
          "namespace.created",
          "namespace.created",
          "tenant.created",
        ].sort(),
      );
      expect(new Set(audit.map((a) => a.actor))).toEqual(new Set([ACTOR]));
      expect(JSON.stringify(audit)).not.toContain("CANARY");
    },
  );

  it.skipIf(!available)("plans a change, a replaced credential and a manager to disable; applies them", async () => {
    await apply();
    const edited = FILE.replace("read-only: true", "read-only: false")
      .replace("secret-path-prefix: app1", "secret-path-prefix: app2")
      .replace(/  company\.team:\n[\s\S]*?  ops: \{\}\n/, "  company.team: {}\n  ops: {}\n");
    const p = await plan(edited, { ...ENV, ACME_VAULT_TOKEN_TOKEN: "hvs.CANARY-rotated" });
    expect(p.items.map((i) => [i.scope, i.action, i.details])).toEqual([
      [
        "tenant",
        "change",
        [
          "read-only: true → false",
          "settings: vault.secret-path-prefix",
          "credential vault.token.token: replaced",
          // Another path prefix (and, on Vault, managed mode's layout): what the tenant sees changes.
          SWITCH_LINE,
        ],
      ],
      ["namespace company.team", "would disable", ["not in the file", SWITCH_LINE]],
    ]);
    expect(JSON.stringify(p)).not.toContain("CANARY");
    expect(await applyPlan(prisma, p, ACTOR, ADMIN)).toEqual({ applied: 2 });
    const rows = await prisma.secretsManagerConfig.findMany({ orderBy: { scopeKey: "asc" } });
    expect(rows.map((r) => [r.scopeKey === "tenant", r.enabled, r.readOnly, r.version])).toEqual(
      expect.arrayContaining([
        [true, true, false, 2],
        [false, false, false, 2],
      ]),
    );
    // The disabled manager is out of the export, and applying the edited file again changes nothing.
    expect((await exportTenant(prisma, "acme")).yaml).not.toContain("aws-secret-manager");
    expect((await plan(edited, { ...ENV, ACME_VAULT_TOKEN_TOKEN: "hvs.CANARY-rotated" })).changes).toBe(false);
  });

  it.skipIf(!available)(
    "refuses an apply when a manager was saved between plan and apply, and applies nothing",
    async () => {
      await apply();
      const p = await plan(
        FILE.replace("read-only: true", "read-only: false").replace("  ops: {}\n", "  ops: {}\n  new: {}\n"),
      );
      // Someone saves the namespace's manager in the console meanwhile.
      const tenant = await prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } });
      const scope = await resolveScope(prisma, tenant.id, "company.team");
      await saveConfig(
        prisma,
        scope,
        {
          expectedVersion: 1,
          enabled: true,
          document: {
            type: "aws-secret-manager",
            "aws-secret-manager": { region: "eu-west-2", "access-key-id": "AKIAEXAMPLE", "secret-key-id": "x" },
          },
          keepCredentials: [],
        },
        "console@example.com",
      );
      const before = await snapshot(prisma);
      const error = await rejection(applyPlan(prisma, p, ACTOR, ADMIN));
      expect(error.code).toBe("conflict");
      expect(error.message).toContain("nothing was applied");
      expect(await snapshot(prisma)).toBe(before);
    },
  );

  it.skipIf(!available)(
    "a missing variable, a literal credential or an invalid setting: a clear error, nothing changed",
    async () => {
      await apply();
      const before = await snapshot(prisma);
      const missing = await rejection(
        plan(FILE.replace("  ops: {}\n", "  ops: {}\n  new: {}\n"), { ACME_VAULT_TOKEN_TOKEN: TOKEN }),
      );
      expect(missing.code).toBe("invalid-input");
      expect(missing.message).toContain(
        "acme.yaml:17: namespaces.company.team.kestra.secret: aws-secret-manager.secret-key-id: environment variable ACME_COMPANY_TEAM_AWS_SECRET_MANAGER_SECRET_KEY_ID is not set",
      );
      const literal = await rejection(plan(FILE.replace("${ACME_VAULT_TOKEN_TOKEN}", TOKEN)));
      expect(literal.message).toContain("vault.token.token: a credential must be an ${ENV} reference");
      expect(literal.message).not.toContain("CANARY");
      const invalid = await rejection(
        plan(FILE.replace("region: eu-west-1", "region: nowhere").replace("read-only: true", "read-only: maybe")),
      );
      expect(invalid.message).toContain("aws-secret-manager.region: An AWS region such as us-east-1");
      expect(invalid.message).toContain("kestra.secret.read-only");
      const unknown = await rejection(plan(FILE.replace("secret-path-prefix: app1", "secret-path-prefx: app1")));
      expect(unknown.message).toContain("Unknown key 'secret-path-prefx'");
      const bad = await rejection(plan("keyhold: {tenant: acme\n"));
      expect(bad.message).toContain("invalid YAML");
      expect(await snapshot(prisma)).toBe(before);
    },
  );

  it.skipIf(!available)("exporting a tenant that does not exist is not-found", async () => {
    expect((await rejection(exportTenant(prisma, "nobody"))).code).toBe("not-found");
  });
});
