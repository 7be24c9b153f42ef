import "server-only";
import type { PrismaClient } from "../db/generated/client";
import { resolveScope } from "../managers/scope";
import { previewSwitch } from "../secrets/switch-preview";
import { planSteps, type Plan } from "./plan";
import { scopeLabel } from "./tenant-file";

/** Disappearing keys a plan lists per scope; the preview's counts cover them all. */
const LISTED = 20;

/**
 * Previews each step of a plan that switches the backend serving an existing scope, as the console's settings form
 * does (lib/secrets/switch-preview.ts): its counts and the keys that would disappear from flows join the plan's lines,
 * and its confirmation joins the step, so apply saves it as a confirmed switch (checked again, counts audited). Each
 * scope is previewed against the state before the apply: a file switching nested scopes at once is counted per scope.
 */
export async function previewPlanSwitches(
  prisma: PrismaClient,
  plan: Plan,
  who: { actor: string; instanceAdmin: boolean },
): Promise<number> {
  const switching = planSteps(plan).filter((s) => s.switches);
  if (!switching.length) return 0;
  const tenant = await prisma.tenant.findUniqueOrThrow({
    where: { slug: plan.tenant },
    select: { id: true, slug: true },
  });
  for (const step of switching) {
    const scope = await resolveScope(prisma, tenant.id, step.namespace);
    const preview = await previewSwitch(
      prisma,
      tenant,
      scope,
      step.kind === "save"
        ? { enabled: true, document: step.document, keepCredentials: step.keep }
        : { enabled: false, document: {}, keepCredentials: [] },
      who,
    );
    const item = plan.items.find((i) => i.kind === "manager" && i.scope === scopeLabel(step.namespace));
    const { current, kept, missing, added } = preview.counts;
    item?.details.push(
      `${preview.from} → ${preview.to}: ${current} key(s) visible now, ${kept} kept, ${missing} would disappear, ${added} added${preview.truncated ? " (counted in part: limits reached)" : ""}`,
      ...(preview.scanError
        ? [`the new backend could not be listed (${preview.scanError.code}): counted as empty`]
        : []),
      ...preview.missing.slice(0, LISTED).map((m) => `would disappear: ${m.namespace} ${m.key}`),
      ...(preview.missing.length > LISTED ? [`…and ${missing - LISTED} more`] : []),
    );
    step.confirmation = preview.confirmation ?? undefined;
  }
  return switching.length;
}
