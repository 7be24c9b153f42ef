-- The secrets index (issue 10): per backend source, generations of secret metadata (never a value) and a scan lease.

-- CreateTable
CREATE TABLE "SecretIndexSource" (
    "key" VARCHAR(200) NOT NULL,
    "tenantId" TEXT,
    "configId" TEXT,
    "servedGeneration" INTEGER,
    "scanGeneration" INTEGER,
    "scanCount" INTEGER NOT NULL DEFAULT 0,
    "nextGeneration" INTEGER NOT NULL DEFAULT 1,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "leaseHolder" VARCHAR(100),
    "leaseUntil" TIMESTAMP(3),
    "scannedAt" TIMESTAMP(3),
    "lastErrorCode" VARCHAR(32),
    "lastErrorMessage" VARCHAR(500),
    "lastErrorAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SecretIndexSource_pkey" PRIMARY KEY ("key")
);

-- CreateTable
-- "sortKey" sorts bytewise (COLLATE "C"), whatever the database's default collation: see lib/secrets/index/sort-key.ts.
CREATE TABLE "SecretIndexEntry" (
    "sourceKey" VARCHAR(200) NOT NULL,
    "generation" INTEGER NOT NULL,
    "backendName" VARCHAR(1024) NOT NULL,
    "key" VARCHAR(255),
    "sortKey" TEXT COLLATE "C",
    "namespace" VARCHAR(255),
    "tenantTag" VARCHAR(255),
    "description" TEXT,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "searchText" TEXT NOT NULL DEFAULT '',
    "subkeys" JSONB,
    "backendUpdatedAt" TIMESTAMP(3),
    "version" VARCHAR(255),
    "ignoredReason" VARCHAR(32),

    CONSTRAINT "SecretIndexEntry_pkey" PRIMARY KEY ("sourceKey","generation","backendName")
);

-- CreateIndex
CREATE INDEX "SecretIndexSource_configId_idx" ON "SecretIndexSource"("configId");

-- CreateIndex
CREATE INDEX "SecretIndexSource_tenantId_idx" ON "SecretIndexSource"("tenantId");

-- CreateIndex
-- Ends with "backendName" COLLATE "C" so a list's key order reads each namespace in its merge's exact order (no sort).
CREATE INDEX "SecretIndexEntry_list_idx" ON "SecretIndexEntry"("sourceKey", "generation", "namespace", "sortKey", "backendName" COLLATE "C");

-- CreateIndex
CREATE INDEX "SecretIndexEntry_sourceKey_generation_key_idx" ON "SecretIndexEntry"("sourceKey", "generation", "key");

-- AddForeignKey
ALTER TABLE "SecretIndexEntry" ADD CONSTRAINT "SecretIndexEntry_sourceKey_fkey" FOREIGN KEY ("sourceKey") REFERENCES "SecretIndexSource"("key") ON DELETE CASCADE ON UPDATE CASCADE;
