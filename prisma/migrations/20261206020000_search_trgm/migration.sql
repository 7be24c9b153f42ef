-- Search in the secrets index (issue 10): a substring of the key or of a tag `k=v` is found through a trigram index
-- instead of reading every row of a namespace. pg_trgm ships with PostgreSQL (a trusted extension since PostgreSQL 13:
-- a database owner may create it) and with PGlite (loaded by lib/db/driver.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "SecretIndexEntry_search_idx" ON "SecretIndexEntry" USING GIN ("searchText" gin_trgm_ops);
