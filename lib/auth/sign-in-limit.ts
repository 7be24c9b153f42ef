import "server-only";
import type { PrismaClient } from "../db/generated/client";
import { release, reserve } from "./rate-limit";
import { serverEnv } from "../env";

/** Failed sign-ins allowed per window: few per account (guessing one password), more per address (a shared NAT). */
export const SIGN_IN_LIMITS = { windowMinutes: 15, perAccount: 5, perAddress: 20 } as const;

export const SIGN_IN_ACTION = "auth.sign-in";

const buckets = (email: string, address: string) => [
  `sign-in:account:${email.toLowerCase()}`,
  `sign-in:address:${address}`,
];

/**
 * Reserves one password check for the account and for the address, atomically in the database (so the limit holds
 * for parallel attempts, across restarts and instances). Returns the minutes to wait, or 0 when the check may run;
 * a check that succeeds gives its reservation back with `releaseSignIn`, so only failures count.
 */
export async function reserveSignIn(
  prisma: PrismaClient,
  email: string,
  address: string,
  now = new Date(),
): Promise<number> {
  const windowMs = SIGN_IN_LIMITS.windowMinutes * 60_000;
  const keys = buckets(email, address);
  const limits = [SIGN_IN_LIMITS.perAccount, SIGN_IN_LIMITS.perAddress];
  const results = await Promise.all(
    keys.map((bucket, i) => reserve(prisma, { bucket, limit: limits[i], windowMs }, now)),
  );
  if (results.every((r) => r.allowed)) return 0;
  // No password is checked, so a try one limit refused gives back what the other reserved.
  await Promise.all(results.map((r, i) => (r.allowed ? release(prisma, keys[i]) : undefined)));
  return Math.max(1, Math.ceil(Math.max(...results.map((r) => r.retryAfterMs)) / 60_000));
}

export async function releaseSignIn(prisma: PrismaClient, email: string, address: string): Promise<void> {
  await Promise.all(buckets(email, address).map((b) => release(prisma, b)));
}

/** The caller's address: the socket's (set by scripts/start.mjs), or the first X-Forwarded-For hop behind a trusted proxy. */
export function clientAddress(headers: Headers): string {
  if (serverEnv().KEYHOLD_TRUST_PROXY) {
    const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  return (headers.get("x-keyhold-client-ip") ?? "unknown").slice(0, 64);
}
