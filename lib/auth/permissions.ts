import type { Session } from "./session";

export const PERMISSIONS = [
  "health:read",
  "tenant:list",
  "tenant:create",
  "tenant:read",
  "namespace:create",
  "config:read",
  "config:write",
  "config:verify",
  "secret:list",
  "secret:write",
  "secret:check",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** The permission matrix; today only the instance administrator exists and may do everything. */
export function isAllowed(session: Session, permission: Permission): boolean {
  switch (session.role) {
    case "instance-admin":
      return PERMISSIONS.includes(permission);
  }
}
