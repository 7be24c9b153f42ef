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
 * most `limit` allowed. Windows are fixed: the first attempt after a window ends starts the next one. A refused
 * attempt changes nothing (the `WHERE` skips the update), so it neither extends the window nor uses up a try.
 */
export async function reserve(
  prisma: PrismaClient,
  { bucket, limit, windowMs }: RateLimit,
  now = new Date(),
): Promise<Reservation> {
  const expired = new Date(now.getTime() - windowMs);
  const counted = await prisma.$queryRaw<{ windowStart: Date }[]>`
    INSERT INTO "RateLimitBucket" ("key", "windowStart", "count") VALUES (${bucket}, ${now}, 1)
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimitBucket"."windowStart" <= ${expired} THEN 1 ELSE "RateLimitBucket"."count" + 1 END,
      "windowStart" = CASE WHEN "RateLimitBucket"."windowStart" <= ${expired} THEN ${now} ELSE "RateLimitBucket"."windowStart" END
    WHERE "RateLimitBucket"."windowStart" <= ${expired} OR "RateLimitBucket"."count" < ${limit}
    RETURNING "windowStart"`;
  if (counted.length > 0) return { allowed: true, retryAfterMs: 0 };
  // Only says how long to wait; the decision above is already taken.
  const row = await prisma.rateLimitBucket.findUnique({ where: { key: bucket }, select: { windowStart: true } });
  return { allowed: false, retryAfterMs: row ? Math.max(0, row.windowStart.getTime() + windowMs - now.getTime()) : 0 };
}

/** Gives back an allowed attempt that should not count (a sign-in that succeeded); never call it for a refused one. */
export async function release(prisma: PrismaClient, bucket: string): Promise<void> {
  await prisma.$executeRaw`UPDATE "RateLimitBucket" SET "count" = GREATEST("count" - 1, 0) WHERE "key" = ${bucket}`;
}
