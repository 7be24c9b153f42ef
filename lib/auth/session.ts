import "server-only";

export type Role = "instance-admin";

export interface Session {
  /** Who acts, as written to the audit log. */
  actor: string;
  role: Role;
}

/**
 * Resolves the caller. Until sign-in exists every request acts as the local administrator;
 * the access-control work replaces this function and nothing else in the call path.
 */
export async function currentSession(): Promise<Session | null> {
  return { actor: "local-admin", role: "instance-admin" };
}
