// Configuration as code and backend switches: a tenant file that turns a namespace's dedicated manager on (or leaves
// it out, turning it off) shows the switch in its plan; previewed as the CLI does, the plan carries the preview's counts
// and the keys that would disappear, and apply saves it as a confirmed switch whose audit entry records the counts.
// Builtin secrets on a real database; the new Vault is a loopback address the egress policy refuses (counted empty).
import { beforeEach, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../lib/db/generated/client";
import { createBuiltinBackend } from "../../lib/backends/builtin/adapter";
import { applyPlan } from "../../lib/config-as-code/apply";
import { planTenant, SWITCH_LINE } from "../../lib/config-as-code/plan";
import { previewPlanSwitches } from "../../lib/config-as-code/plan-switches";
import { renderPlan } from "../../lib/config-as-code/render-plan";
import { migratedPrisma, TEST_DATABASES } from "../support/test-db";

process.env.KEYHOLD_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");

const ADMIN = { instanceAdmin: true };
const ACTOR = "cli:test@host";
const ENV = { ACME_COMPANY_TEAM_VAULT_TOKEN_TOKEN: "hvs.CANARY-cli-switch" };
const WITH_MANAGER = `keyhold:
  tenant: acme
  display-name: Acme
namespaces:
  company: {}
  company.team:
    kestra:
      secret:
        type: vault
        read-only: true
        vault:
          address: http://127.0.0.1:1
          token:
            token: \${ACME_COMPANY_TEAM_VAULT_TOKEN_TOKEN}
`;
/** The same manager seeing another folder of the same Vault (the path prefix alone changed). */
const OTHER_PREFIX = WITH_MANAGER.replace(
  "address: http://127.0.0.1:1",
  "address: http://127.0.0.1:1\n          secret-path-prefix: other",
);
const WITHOUT_MANAGER = `keyhold:
  tenant: acme
  display-name: Acme
namespaces:
  company: {}
  company.team: {}
`;

describe.each(TEST_DATABASES)("a tenant file that switches a backend, on $kind", ({ kind, available }) => {
  const source = migratedPrisma(kind, available, { freshEachTest: true });
  let prisma: PrismaClient;

  beforeEach(async () => {
    if (!available) return;
    prisma = source.get();
    const tenant = await prisma.tenant.create({ data: { slug: "acme", displayName: "Acme" } });
    await prisma.namespace.createMany({
      data: [
        { tenantId: tenant.id, path: "company" },
        { tenantId: tenant.id, path: "company.team" },
      ],
    });
    const builtin = createBuiltinBackend(prisma, tenant.id);
    for (const [namespace, key] of [
      ["company", "API_KEY"],
      ["company.team", "DB"],
    ])
      await builtin.write({ tenant: "acme", namespace, key, value: "v", description: null, tags: {} });
  });
  const configAudit = () =>
    prisma.auditEvent.findMany({
      where: { action: { startsWith: "config." } },
      orderBy: { createdAt: "asc" },
      select: { action: true, namespace: true, actor: true, details: true },
    });

  it.skipIf(!available)("the plan shows the switch with its counts; apply records them", async () => {
    const plan = await planTenant(prisma, WITH_MANAGER, "acme.yaml", ENV, ADMIN);
    const item = () => plan.items.find((i) => i.scope === "namespace company.team")!;
    expect(item()).toMatchObject({ kind: "manager", action: "create" });
    expect(item().details).toContain(SWITCH_LINE);

    expect(await previewPlanSwitches(prisma, plan, { actor: ACTOR, ...ADMIN })).toBe(1);
    expect(item().details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/→ .*Vault.*: 2 key\(s\) visible now, 1 kept, 1 would disappear, 0 added$/),
        "would disappear: company.team DB",
      ]),
    );
    const text = renderPlan(plan);
    expect(text).toContain("1 change(s) switch the backend serving a scope");
    expect(text).not.toContain("CANARY");

    expect(await applyPlan(prisma, plan, ACTOR, ADMIN)).toEqual({ applied: 1 });
    expect(await configAudit()).toEqual([
      {
        action: "config.created",
        namespace: "company.team",
        actor: ACTOR,
        details: expect.objectContaining({ switch: { current: 2, kept: 1, missing: 1, added: 0 } }),
      },
    ]);

    // Leaving the manager out of the file turns it off: a switch too, previewed and recorded the same way.
    const off = await planTenant(prisma, WITHOUT_MANAGER, "acme.yaml", {}, ADMIN);
    expect(off.items.find((i) => i.scope === "namespace company.team")).toMatchObject({
      action: "would disable",
      details: ["not in the file", SWITCH_LINE],
    });
    await previewPlanSwitches(prisma, off, { actor: ACTOR, ...ADMIN });
    expect(await applyPlan(prisma, off, ACTOR, ADMIN)).toEqual({ applied: 1 });
    expect((await configAudit()).at(-1)).toMatchObject({
      action: "config.disabled",
      details: { switch: { current: 1, kept: 1, missing: 0, added: 1 } },
    });
  });

  it.skipIf(!available)("a previewed switch whose change moved on since is refused: nothing applied", async () => {
    const plan = await planTenant(prisma, WITH_MANAGER, "acme.yaml", ENV, ADMIN);
    await previewPlanSwitches(prisma, plan, { actor: ACTOR, ...ADMIN });
    // The step's document is not the one previewed any more (as if the file had changed under the plan).
    const { planSteps } = await import("../../lib/config-as-code/plan");
    const step = planSteps(plan)[0] as unknown as { document: { vault: { address: string } } };
    step.document = { ...step.document, vault: { ...step.document.vault, address: "http://127.0.0.2:1" } };
    await expect(applyPlan(prisma, plan, ACTOR, ADMIN)).rejects.toThrow(/another change/);
    expect(await prisma.secretsManagerConfig.count()).toBe(0);
    expect(await configAudit()).toEqual([]);
  });

  it.skipIf(!available)("a path-prefix edit alone is a switch; a new token alone is not", async () => {
    const first = await planTenant(prisma, WITH_MANAGER, "acme.yaml", ENV, ADMIN);
    await previewPlanSwitches(prisma, first, { actor: ACTOR, ...ADMIN });
    await applyPlan(prisma, first, ACTOR, ADMIN);

    const edited = await planTenant(prisma, OTHER_PREFIX, "acme.yaml", ENV, ADMIN);
    expect(edited.items.find((i) => i.scope === "namespace company.team")).toMatchObject({
      action: "change",
      details: ["settings: vault.secret-path-prefix", SWITCH_LINE],
    });
    expect(await previewPlanSwitches(prisma, edited, { actor: ACTOR, ...ADMIN })).toBe(1);
    expect(renderPlan(edited)).toContain("1 change(s) switch the backend serving a scope");
    expect(await applyPlan(prisma, edited, ACTOR, ADMIN)).toEqual({ applied: 1 });
    expect((await configAudit()).at(-1)).toMatchObject({
      action: "config.updated",
      details: { switch: { current: 1, kept: 1, missing: 0, added: 0 } },
    });

    const rotated = await planTenant(
      prisma,
      OTHER_PREFIX,
      "acme.yaml",
      { ACME_COMPANY_TEAM_VAULT_TOKEN_TOKEN: "hvs.CANARY-cli-rotated" },
      ADMIN,
    );
    expect(rotated.items.find((i) => i.scope === "namespace company.team")).toMatchObject({
      action: "change",
      details: ["credential vault.token.token: replaced"],
    });
    expect(await previewPlanSwitches(prisma, rotated, { actor: ACTOR, ...ADMIN })).toBe(0);
  });
});
