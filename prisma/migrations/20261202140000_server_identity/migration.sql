-- AlterTable
ALTER TABLE "SecretsManagerConfig" ADD COLUMN     "serverIdentityApprovedBy" VARCHAR(320);
