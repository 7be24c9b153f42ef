/** A tenant as the guard resolved it: every query about the tenant is scoped by `id`; `slug` is its name in URLs and audit. */
export interface TenantRef {
  id: string;
  slug: string;
}
