import "server-only";
import { cache } from "react";
import { headers } from "next/headers";
import { db } from "../db/client";
import type { Binding } from "./permissions";
import { lookUpSession, toBinding, type LookedUpSession } from "./session-lookup";
import { getAuth } from "./auth";

export interface Session {
  userId: string;
  /** Who acts, as written to the audit log: the user's email. */
  actor: string;
  name: string;
  /** Read once per request, so a revoked role stops working from the next request on. */
  bindings: Binding[];
}

export async function bindingsOf(userId: string): Promise<Binding[]> {
  const rows = await (
    await db()
  ).roleBinding.findMany({ where: { userId }, select: { role: true, tenantId: true, namespace: true } });
  return rows.map(toBinding);
}

/**
 * Resolves the caller from the session cookie, with the role bindings of that user: a valid session with no refresh
 * due in one read (session-lookup.ts), anything else by better-auth (which refreshes, expires or refuses it).
 */
async function resolveSession(): Promise<Session | null> {
  const auth = await getAuth();
  const requestHeaders = await headers();
  return sessionOrBetterAuth(await lookUpSession(requestHeaders.get("cookie"), await auth.$context), requestHeaders);
}

/** The caller the one-read path found, or (`undefined`: it could not decide) better-auth's, with the bindings read. */
export async function sessionOrBetterAuth(
  quick: LookedUpSession | undefined,
  requestHeaders: Headers,
): Promise<Session | null> {
  if (quick) return { userId: quick.userId, actor: quick.email, name: quick.name, bindings: quick.bindings };
  const found = await (await getAuth()).api.getSession({ headers: requestHeaders });
  if (!found) return null;
  return {
    userId: found.user.id,
    actor: found.user.email,
    name: found.user.name,
    bindings: await bindingsOf(found.user.id),
  };
}

/**
 * The caller of this request. React's `cache()` resolves it once per server render (a page's layouts, page and
 * loaders share it) and forgets it with the render; where React has no request cache (Vitest, code outside a
 * render) each call resolves again. Either way nothing outlives a request, so a revoked role stops the next one.
 */
export const currentSession: () => Promise<Session | null> = cache(resolveSession);
