// The permission matrix: pure, so every role x permission x scope can be unit-tested (permissions.test.ts).

export const ROLES = ["instance-admin", "tenant-admin", "namespace-editor", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  "tenant:list",
  "tenant:create",
  "instance:manage",
  "tenant:read",
  "namespace:create",
  "config:read",
  "config:write",
  "config:verify",
  "secret:list",
  "secret:write",
  "secret:check",
  "user:manage",
  "audit:read",
  "session:self",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** One grant: on the instance (tenantId null), a whole tenant (namespace null), or a namespace and its children. */
export interface Binding {
  role: Role;
  tenantId: string | null;
  namespace: string | null;
}

/** What a call is about: the resolved tenant (null for instance-wide calls) and the namespace, when it names one. */
export interface Target {
  tenantId: string | null;
  namespace: string | null;
}

const RANK: Record<Role, number> = { viewer: 1, "namespace-editor": 2, "tenant-admin": 3, "instance-admin": 4 };

/**
 * The least role each permission needs. `anywhere` permissions need only some binding in the tenant
 * (a namespace viewer must still see the tenant's shell to reach its namespace); the rest need a binding
 * that covers the target namespace, or the whole tenant when the call names no namespace.
 */
const RULES: Record<Permission, { min: Role | "signed-in"; anywhere?: true }> = {
  "tenant:list": { min: "signed-in" },
  "session:self": { min: "signed-in" },
  "tenant:create": { min: "instance-admin" },
  "instance:manage": { min: "instance-admin" },
  "tenant:read": { min: "viewer", anywhere: true },
  "namespace:create": { min: "tenant-admin" },
  "config:read": { min: "tenant-admin" },
  "config:write": { min: "tenant-admin" },
  "config:verify": { min: "viewer" },
  "secret:list": { min: "viewer" },
  "secret:check": { min: "viewer" },
  "secret:write": { min: "namespace-editor" },
  "user:manage": { min: "tenant-admin" },
  "audit:read": { min: "tenant-admin" },
};

/** True when `namespace` is `ancestor` or lies below it (`company` covers `company.team`, not `companyx`). */
export function namespaceCovers(ancestor: string, namespace: string): boolean {
  return namespace === ancestor || namespace.startsWith(`${ancestor}.`);
}

function covers(binding: Binding, target: Target, anywhere: boolean): boolean {
  if (binding.role === "instance-admin") return true;
  if (target.tenantId === null || binding.tenantId !== target.tenantId) return false;
  if (binding.namespace === null || anywhere) return true;
  return target.namespace !== null && namespaceCovers(binding.namespace, target.namespace);
}

export function isAllowed(bindings: readonly Binding[], permission: Permission, target: Target): boolean {
  const rule = RULES[permission];
  if (rule.min === "signed-in") return true;
  const min = RANK[rule.min];
  return bindings.some((b) => RANK[b.role] >= min && covers(b, target, rule.anywhere === true));
}

export function isInstanceAdmin(bindings: readonly Binding[]): boolean {
  return bindings.some((b) => b.role === "instance-admin");
}

/** Write permissions: a refusal of one of these is worth an audit entry. */
export const MUTATIONS: ReadonlySet<Permission> = new Set([
  "tenant:create",
  "instance:manage",
  "namespace:create",
  "config:write",
  "secret:write",
  "user:manage",
]);
