import "server-only";
import type { PrismaClient } from "../db/generated/client";

export interface RateLimit {
  /** What is counted, e.g. `sign-in:account:ops@acme.test`. */
  bucket: string;
  /** Attempts allowed per window. */
  limit: number;
  windowMs: number;
}

export interface Reservation {
  allowed: boolean;
  /** When the current window ends (0 when allowed). */
  retryAfterMs: number;
}

/**
 * Counts one attempt and says whether it is within the limit, in one statement (`INSERT … ON CONFLICT DO UPDATE …
 * RETURNING`), so parallel attempts on any number of instances serialise on the bucket's row and a burst of N gets at
 * most `limit` allowed. Windows are fixed: the first attempt after a window ends starts the next one, and refused
 * attempts do not extend it.
 */
export async function reserve(prisma: PrismaClient, { bucket, limit, windowMs }: RateLimit, now = new Date()): Promise<Reservation> {
  const expired = new Date(now.getTime() - windowMs);
  const [row] = await prisma.$queryRaw<{ count: number; windowStart: Date }[]>`
    INSERT INTO "RateLimitBucket" ("key", "windowStart", "count") VALUES (${bucket}, ${now}, 1)
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimitBucket"."windowStart" <= ${expired} THEN 1 ELSE "RateLimitBucket"."count" + 1 END,
      "windowStart" = CASE WHEN "RateLimitBucket"."windowStart" <= ${expired} THEN ${now} ELSE "RateLimitBucket"."windowStart" END
    RETURNING "count", "windowStart"`;
  if (Number(row.count) <= limit) return { allowed: true, retryAfterMs: 0 };
  return { allowed: false, retryAfterMs: Math.max(0, new Date(row.windowStart).getTime() + windowMs - now.getTime()) };
}

/** Gives back an attempt that should not count (a sign-in that succeeded). */
export async function release(prisma: PrismaClient, bucket: string): Promise<void> {
  await prisma.$executeRaw`UPDATE "RateLimitBucket" SET "count" = GREATEST("count" - 1, 0) WHERE "key" = ${bucket}`;
}
