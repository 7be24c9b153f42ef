-- Issue 12: lifecycle metadata on index entries (never a value) and the last verify's capability table.

-- AlterTable
ALTER TABLE "SecretIndexEntry" ADD COLUMN     "enabled" BOOLEAN,
ADD COLUMN     "expiresAt" TIMESTAMP(3),
ADD COLUMN     "notBefore" TIMESTAMP(3),
ADD COLUMN     "lastRotatedAt" TIMESTAMP(3),
ADD COLUMN     "nextRotationAt" TIMESTAMP(3),
ADD COLUMN     "versionCreatedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "SecretsManagerConfig" ADD COLUMN     "lastVerifyCapabilities" JSONB;
