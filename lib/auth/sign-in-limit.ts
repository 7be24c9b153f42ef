import "server-only";
import type { PrismaClient } from "../db/generated/client";

/** Failed sign-ins allowed per window: few per account (guessing one password), more per address (a shared NAT). */
export const SIGN_IN_LIMITS = { windowMinutes: 15, perAccount: 5, perAddress: 20 } as const;

export const SIGN_IN_ACTION = "auth.sign-in";

/**
 * Counts recent failures in the audit log itself, so the limit holds across restarts and instances and every
 * refusal is visible to administrators. Returns the minutes to wait, or 0 when a try is allowed.
 */
export async function signInWait(prisma: PrismaClient, email: string, address: string, now = new Date()): Promise<number> {
  const since = new Date(now.getTime() - SIGN_IN_LIMITS.windowMinutes * 60_000);
  const base = { action: SIGN_IN_ACTION, outcome: "failure", createdAt: { gte: since } };
  const [byAccount, byAddress] = await Promise.all([
    prisma.auditEvent.findMany({ where: { ...base, actor: email }, select: { createdAt: true }, orderBy: { createdAt: "asc" }, take: SIGN_IN_LIMITS.perAccount }),
    prisma.auditEvent.findMany({ where: { ...base, details: { path: ["address"], equals: address } }, select: { createdAt: true }, orderBy: { createdAt: "asc" }, take: SIGN_IN_LIMITS.perAddress }),
  ]);
  const blockedBy = [byAccount.length >= SIGN_IN_LIMITS.perAccount ? byAccount[0] : null, byAddress.length >= SIGN_IN_LIMITS.perAddress ? byAddress[0] : null];
  const until = Math.max(0, ...blockedBy.map((e) => (e ? e.createdAt.getTime() + SIGN_IN_LIMITS.windowMinutes * 60_000 : 0)));
  return until > now.getTime() ? Math.ceil((until - now.getTime()) / 60_000) : 0;
}

/** The caller's address: the socket's (set by scripts/start.mjs), or the first X-Forwarded-For hop behind a trusted proxy. */
export function clientAddress(headers: Headers): string {
  if (process.env.KEYHOLD_TRUST_PROXY === "1") {
    const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  return (headers.get("x-keyhold-client-ip") ?? "unknown").slice(0, 64);
}
