import "server-only";
import type { PrismaClient } from "../db/generated/client";
import { KeyholdError } from "../errors";
import { saveConfig } from "../managers/config-store";
import { resolveScope } from "../managers/scope";
import { createNamespace } from "../tenancy/namespaces";
import { createTenant } from "../tenancy/tenants";
import { planSteps, readTenantState, type Plan } from "./plan";

export interface ApplyResult {
  applied: number;
}

/** A transaction client that runs the stores' own `$transaction` calls inside it, so one apply is one transaction. */
function nested(tx: unknown): PrismaClient {
  return new Proxy(tx as object, {
    get: (target, prop) =>
      prop === "$transaction"
        ? (fn: (t: unknown) => unknown) => fn(target)
        : Reflect.get(target, prop as never, target),
  }) as PrismaClient;
}

/**
 * Applies a plan in one transaction: the tenant, its missing namespaces, then each manager through the same store as
 * the settings form (validation, credential sealing, optimistic version, audit with `actor`). Anything read by the
 * plan that changed since (a namespace, a manager's version) refuses the whole apply with a `conflict`. A step that
 * switches a scope's backend is listed as such in the plan (confirmed by running apply at all, the CLI's --yes); when
 * plan-switches.ts previewed it, its confirmation is checked again here and its counts go into the audit entry.
 */
export async function applyPlan(
  prisma: PrismaClient,
  plan: Plan,
  actor: string,
  who: { instanceAdmin: boolean },
): Promise<ApplyResult> {
  if (!plan.changes) return { applied: 0 };
  const steps = planSteps(plan);
  return prisma.$transaction(
    async (transaction) => {
      const tx = nested(transaction);
      const state = await readTenantState(tx, plan.tenant);
      if (state.fingerprint !== plan.fingerprint)
        throw new KeyholdError(
          "conflict",
          `Tenant '${plan.tenant}' changed after the plan was made (a namespace or a manager was saved): nothing was applied. Run the plan again.`,
        );
      let applied = 0;
      const tenantId = state.tenant?.id ?? (await createTenant(tx, plan.tenant, plan.displayName, actor)).id;
      if (!state.tenant) applied++;
      const existing = new Set(state.namespaces);
      for (const ns of plan.namespacesToCreate) {
        if (existing.has(ns)) continue;
        const { created } = await createNamespace(tx, tenantId, ns, actor);
        created.forEach((p) => existing.add(p));
        applied += created.length;
      }
      for (const step of steps) {
        const scope = await resolveScope(tx, tenantId, step.namespace);
        // A previewed switch is saved as the console saves a confirmed one: its confirmation checked, its counts audited.
        const confirmSwitch = step.confirmation;
        await saveConfig(
          tx,
          scope,
          step.kind === "disable"
            ? {
                expectedVersion: step.expectedVersion,
                enabled: false,
                document: {},
                keepCredentials: [],
                confirmSwitch,
              }
            : {
                expectedVersion: step.expectedVersion,
                enabled: true,
                document: step.document,
                keepCredentials: step.keep,
                confirmSwitch,
              },
          actor,
          { ...who, requireSwitchConfirmation: confirmSwitch !== undefined },
        );
        applied++;
      }
      return { applied };
    },
    { maxWait: 10_000, timeout: 120_000 },
  );
}
