-- Atomic rate-limit counters (sign-in per account and address, verifying unsaved forms per user).

-- CreateTable
CREATE TABLE "RateLimitBucket" (
    "key" VARCHAR(320) NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RateLimitBucket_pkey" PRIMARY KEY ("key")
);
