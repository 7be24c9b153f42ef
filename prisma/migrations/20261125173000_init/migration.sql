-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "BackendType" AS ENUM ('AWS_SECRET_MANAGER', 'AZURE_KEY_VAULT', 'GOOGLE_SECRET_MANAGER', 'VAULT');

-- CreateEnum
CREATE TYPE "ConfigScope" AS ENUM ('TENANT', 'NAMESPACE');

-- CreateEnum
CREATE TYPE "VerifyStatus" AS ENUM ('OK', 'UNREACHABLE', 'TLS', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'INVALID_CONFIG', 'TIMEOUT');

-- CreateTable
CREATE TABLE "Tenant" (
    "id" TEXT NOT NULL,
    "slug" VARCHAR(63) NOT NULL,
    "displayName" VARCHAR(120) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Tenant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Namespace" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "path" VARCHAR(255) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Namespace_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SecretsManagerConfig" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "namespaceId" TEXT,
    "scopeKey" VARCHAR(64) NOT NULL,
    "scope" "ConfigScope" NOT NULL,
    "type" "BackendType" NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "readOnly" BOOLEAN NOT NULL DEFAULT false,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "credentials" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "lastVerifiedAt" TIMESTAMP(3),
    "lastVerifyStatus" "VerifyStatus",
    "lastVerifyMessage" VARCHAR(500),
    "lastVerifyLatency" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SecretsManagerConfig_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BuiltinSecret" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "namespaceId" TEXT NOT NULL,
    "key" VARCHAR(255) NOT NULL,
    "value" TEXT NOT NULL,
    "description" VARCHAR(1000),
    "tags" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BuiltinSecret_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT,
    "namespace" VARCHAR(255),
    "actor" VARCHAR(255) NOT NULL,
    "action" VARCHAR(64) NOT NULL,
    "outcome" VARCHAR(32) NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Tenant_slug_key" ON "Tenant"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "Namespace_tenantId_path_key" ON "Namespace"("tenantId", "path");

-- CreateIndex
CREATE INDEX "SecretsManagerConfig_namespaceId_idx" ON "SecretsManagerConfig"("namespaceId");

-- CreateIndex
CREATE UNIQUE INDEX "SecretsManagerConfig_tenantId_scopeKey_key" ON "SecretsManagerConfig"("tenantId", "scopeKey");

-- CreateIndex
CREATE INDEX "BuiltinSecret_tenantId_idx" ON "BuiltinSecret"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "BuiltinSecret_namespaceId_key_key" ON "BuiltinSecret"("namespaceId", "key");

-- CreateIndex
CREATE INDEX "AuditEvent_tenantId_createdAt_idx" ON "AuditEvent"("tenantId", "createdAt");

-- AddForeignKey
ALTER TABLE "Namespace" ADD CONSTRAINT "Namespace_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SecretsManagerConfig" ADD CONSTRAINT "SecretsManagerConfig_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SecretsManagerConfig" ADD CONSTRAINT "SecretsManagerConfig_namespaceId_fkey" FOREIGN KEY ("namespaceId") REFERENCES "Namespace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BuiltinSecret" ADD CONSTRAINT "BuiltinSecret_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BuiltinSecret" ADD CONSTRAINT "BuiltinSecret_namespaceId_fkey" FOREIGN KEY ("namespaceId") REFERENCES "Namespace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE SET NULL ON UPDATE CASCADE;

