import { SWITCH_LINE, type Plan, type PlanAction } from "./plan";

const MARK: Record<PlanAction, string> = { create: "+", change: "~", unchanged: "=", "would disable": "-" };

/** The plan as text for a terminal: one line per item, its details indented, then the counts. */
export function renderPlan(plan: Pick<Plan, "tenant" | "items" | "changes">): string {
  const lines = [`Plan for tenant '${plan.tenant}':`];
  for (const item of plan.items) {
    lines.push(
      `  ${MARK[item.action]} ${item.kind} ${item.kind === "tenant" ? plan.tenant : item.scope.replace(/^namespace /, "")}: ${item.action}`,
    );
    for (const d of item.details) lines.push(`      ${d}`);
  }
  const count = (a: PlanAction) => plan.items.filter((i) => i.action === a).length;
  const switches = plan.items.filter((i) => i.details.includes(SWITCH_LINE)).length;
  if (switches)
    lines.push(
      `${switches} change(s) switch the backend serving a scope: flows lose any key listed as "would disappear". --yes confirms them.`,
    );
  lines.push(
    plan.changes
      ? `${count("create")} to create, ${count("change")} to change, ${count("unchanged")} unchanged, ${count("would disable")} to disable.`
      : "No changes: the tenant already matches the file.",
  );
  return lines.join("\n");
}
