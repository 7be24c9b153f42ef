-- The secrets index's update-time order (lib/secrets/index/ordered.ts) reads each namespace of a source in this index's
-- order and stops after a page: no sort of every row. "backendName" COLLATE "C" as in SecretIndexEntry_list_idx.

-- CreateIndex
CREATE INDEX "SecretIndexEntry_updated_idx" ON "SecretIndexEntry"("sourceKey", "generation", "namespace", "backendUpdatedAt", "sortKey", "backendName" COLLATE "C");
