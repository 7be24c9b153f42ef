import { createHash } from "node:crypto";

export interface ManagedName {
  prefix: string;
  tenant: string;
  namespace: string;
  key: string;
}

const digest = (n: ManagedName) =>
  createHash("sha256").update([n.prefix, n.tenant, n.namespace, n.key].join("\u0000")).digest("hex").slice(0, 10);

/**
 * A readable, unique backend name for a secret Keyhold writes: the path when the backend allows it
 * (AWS), otherwise a slug of the allowed characters plus a short hash of the exact identity, so
 * `team.a` and `team-a` never collide.
 */
export function managedName(
  n: ManagedName,
  rules: { allowed: RegExp; separator: string; maxLength: number; keepPath?: boolean },
): string {
  if (rules.keepPath) {
    const path = [n.prefix, n.tenant, n.namespace, n.key].join("/");
    if (path.length <= rules.maxLength && [...path].every((c) => rules.allowed.test(c))) return path;
  }
  const slug = [n.prefix, n.tenant, n.namespace, n.key]
    .join(rules.separator)
    .split("")
    .map((c) => (rules.allowed.test(c) ? c : rules.separator))
    .join("")
    .replace(new RegExp(`\\${rules.separator}+`, "g"), rules.separator);
  const suffix = `${rules.separator}${digest(n)}`;
  return slug.slice(0, rules.maxLength - suffix.length).replace(new RegExp(`\\${rules.separator}+$`), "") + suffix;
}
