import { isAllowed, isInstanceAdmin, type Binding, type Permission, type Target } from "./permissions";

/** What a page may offer, by the matrix's own permission names (`"secret:write"`); a permission left out is not offered. */
export type PermissionSet = Partial<Record<Permission, boolean>>;

/** Which of `permissions` the caller holds on the target, by the same matrix the guard enforces; hiding is a courtesy, not the protection. */
export function permissionsOn(
  bindings: readonly Binding[],
  target: Target,
  permissions: readonly Permission[],
): PermissionSet {
  const set: PermissionSet = {};
  for (const permission of permissions) set[permission] = isAllowed(bindings, permission, target);
  return set;
}

/** Tenant ids a caller may see, or null for "all" (instance administrators). */
export function visibleTenantIds(bindings: readonly Binding[]): string[] | null {
  if (isInstanceAdmin(bindings)) return null;
  return [...new Set(bindings.map((b) => b.tenantId).filter((id): id is string => id !== null))];
}
