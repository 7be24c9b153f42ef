import { isAllowed, isInstanceAdmin, type Binding } from "./permissions";

/** What the UI may offer on a page: derived from the same matrix the guard enforces; hiding is a courtesy, not the protection. */
export function capabilities(bindings: readonly Binding[], tenantId: string, namespace: string | null) {
  const t = { tenantId, namespace };
  return {
    listSecrets: isAllowed(bindings, "secret:list", t),
    writeSecrets: isAllowed(bindings, "secret:write", t),
    verify: isAllowed(bindings, "config:verify", t),
    checkExpression: isAllowed(bindings, "secret:check", t),
    readConfig: isAllowed(bindings, "config:read", t),
    writeConfig: isAllowed(bindings, "config:write", t),
    createNamespace: isAllowed(bindings, "namespace:create", t),
    manageUsers: isAllowed(bindings, "user:manage", t),
    readAudit: isAllowed(bindings, "audit:read", t),
    instanceAdmin: isInstanceAdmin(bindings),
  };
}

export type Capabilities = ReturnType<typeof capabilities>;

/** Tenant ids a caller may see, or null for "all" (instance administrators). */
export function visibleTenantIds(bindings: readonly Binding[]): string[] | null {
  if (isInstanceAdmin(bindings)) return null;
  return [...new Set(bindings.map((b) => b.tenantId).filter((id): id is string => id !== null))];
}
