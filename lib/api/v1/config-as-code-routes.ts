import "server-only";
import { z } from "zod";
import { recordAudit } from "../../audit/record";
import { isInstanceAdmin } from "../../auth/permissions";
import { applyPlan } from "../../config-as-code/apply";
import { exportTenant } from "../../config-as-code/export";
import { planSteps, planTenant, prepareTenantFile, type Plan } from "../../config-as-code/plan";
import { previewPlanSwitches } from "../../config-as-code/plan-switches";
import { scopeLabel, tenantFileObject } from "../../config-as-code/tenant-file";
import { KeyholdError } from "../../errors";
import type { PrismaClient } from "../../db/generated/client";
import type { GuardContext, GuardSpec } from "../../server/guard";
import { tenantSlugSchema } from "../../tenancy/names";
import type { V1Route } from "./route-types";

const T = "/api/v1/tenants/{tenant}";
const TAG = "Configuration as code";
const FILE_NAME = "file";

const exportInput = z.strictObject({ tenant: tenantSlugSchema });
const fileInput = z.strictObject({
  tenant: tenantSlugSchema,
  /** The tenant file (YAML or JSON), as `keyhold export` writes it: credentials as ${ENV} references. */
  file: z
    .string()
    .min(1)
    .max(256 * 1024),
  /**
   * Values for the file's ${VARIABLE} references, from the caller's environment (write-only: never answered, logged or
   * audited). The server never reads its own environment for them. A credential whose reference has no value here
   * keeps the stored credential, under the credential-boundary rules (same type, every destination field unchanged).
   */
  variables: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/), z.string().max(64 * 1024))
    .optional()
    .default({}),
});
const applyInput = fileInput.extend({
  /** The `planVersion` of the plan you reviewed: the apply is refused (409, nothing applied) unless it is still that plan. */
  planVersion: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});

const planItemSchema = z.strictObject({
  kind: z.enum(["tenant", "namespace", "manager"]),
  scope: z.string(),
  action: z.enum(["create", "change", "unchanged", "would disable"]),
  details: z.array(z.string()),
});
export const planViewSchema = z.strictObject({
  tenant: z.string(),
  items: z.array(planItemSchema),
  /** True when applying would change anything. */
  changes: z.boolean(),
  /** Name it in config-apply to apply exactly this plan. */
  planVersion: z.string(),
});
const exportSchema = z.strictObject({
  tenant: z.string(),
  /** The tenant file as `keyhold export` writes it. */
  yaml: z.string(),
  /** The same file as JSON (the configuration file's shape). */
  document: z.record(z.string(), z.unknown()),
  /** The ${ENV} references the file holds for credentials: names only. */
  variables: z.array(z.strictObject({ variable: z.string(), scope: z.string(), credential: z.string() })),
  warnings: z.array(z.string()),
});

const planView = (plan: Plan): z.infer<typeof planViewSchema> => ({
  tenant: plan.tenant,
  items: plan.items,
  changes: plan.changes,
  planVersion: plan.version,
});

/** The plan of a file sent to the API: values only from the request, never from the server's environment. */
async function planOf(ctx: GuardContext, input: z.output<typeof fileInput>) {
  const who = { instanceAdmin: isInstanceAdmin(ctx.session.bindings) };
  const prepared = prepareTenantFile(input.file, FILE_NAME, input.variables, who, {
    keepUnsent: true,
    missing: (name) =>
      `\${${name}} has no value in the request's variables (the server never reads its own environment)`,
  });
  if (prepared.file.tenant !== input.tenant)
    throw new KeyholdError("invalid-input", "The file configures another tenant; nothing was applied.", {
      file: `keyhold.tenant is '${prepared.file.tenant}', the path names '${input.tenant}'`,
    });
  const plan = await planTenant(ctx.prisma, prepared, FILE_NAME, {}, who);
  // A step that switches the backend serving a scope is previewed as the console does (counts and the keys that would
  // disappear join its lines), and apply saves it as a confirmed switch with those counts audited.
  await previewPlanSwitches(ctx.prisma, plan, { actor: ctx.session.actor, ...who });
  return { plan, who };
}

async function auditPlan(prisma: PrismaClient, ctx: GuardContext, plan: Plan) {
  const count = (a: Plan["items"][number]["action"]) => plan.items.filter((i) => i.action === a).length;
  await recordAudit(prisma, {
    tenantId: ctx.tenant?.id ?? null,
    actor: ctx.session.actor,
    action: "config-as-code.planned",
    outcome: "success",
    details: {
      create: count("create"),
      change: count("change"),
      unchanged: count("unchanged"),
      disable: count("would disable"),
    },
  });
}

export const CONFIG_AS_CODE_ROUTES: V1Route[] = [
  {
    path: `${T}/config-export`,
    method: "get",
    tag: TAG,
    summary:
      "The tenant's namespaces and dedicated managers as a tenant file (YAML and JSON), credentials as ${ENV} references",
    output: exportSchema,
    spec: {
      name: "config-as-code.export",
      permission: "config:read",
      input: exportInput,
      tenant: (i) => i.tenant,
      run: async ({ prisma }, i) => {
        const exported = await exportTenant(prisma, i.tenant);
        return {
          tenant: exported.file.tenant,
          yaml: exported.yaml,
          document: tenantFileObject(exported.file),
          variables: exported.variables,
          warnings: exported.warnings,
        };
      },
    } satisfies GuardSpec<typeof exportInput, unknown> as V1Route["spec"],
  },
  {
    path: `${T}/config-plan`,
    method: "post",
    tag: TAG,
    summary:
      "What applying a tenant file would do (create / change / unchanged / would disable), without changing anything",
    output: planViewSchema,
    spec: {
      name: "config-as-code.plan",
      permission: "config:write",
      input: fileInput,
      tenant: (i) => i.tenant,
      tenantMayBeNew: true,
      run: async (ctx, i) => {
        const { plan } = await planOf(ctx, i);
        await auditPlan(ctx.prisma, ctx, plan);
        return planView(plan);
      },
    } satisfies GuardSpec<typeof fileInput, unknown> as V1Route["spec"],
  },
  {
    path: `${T}/config-apply`,
    method: "post",
    tag: TAG,
    summary:
      "Apply a tenant file in one transaction (optimistic: refused when the tenant changed since its plan); idempotent",
    output: z.strictObject({ plan: planViewSchema, applied: z.number().int() }),
    spec: {
      name: "config-as-code.apply",
      permission: "config:write",
      input: applyInput,
      tenant: (i) => i.tenant,
      tenantMayBeNew: true,
      run: async (ctx, i) => {
        const { plan, who } = await planOf(ctx, i);
        if (i.planVersion !== undefined && i.planVersion !== plan.version)
          throw new KeyholdError(
            "conflict",
            `Tenant '${plan.tenant}' or the file changed after the plan you named was made: nothing was applied. Plan again.`,
          );
        const switching = planSteps(plan).filter((s) => s.switches);
        // As a PUT of a dedicated manager: a switch of the serving backend is saved only by a caller who saw its preview.
        if (switching.length && i.planVersion === undefined)
          throw new KeyholdError(
            "switch-confirmation-required",
            `The file switches the backend serving ${switching.map((s) => scopeLabel(s.namespace)).join(", ")}: ask config-plan, review its switch lines (keys that would disappear), then apply with its planVersion. Nothing was applied.`,
          );
        const { applied } = await applyPlan(ctx.prisma, plan, ctx.session.actor, who);
        return { plan: planView(plan), applied };
      },
    } satisfies GuardSpec<typeof applyInput, unknown> as V1Route["spec"],
  },
];
