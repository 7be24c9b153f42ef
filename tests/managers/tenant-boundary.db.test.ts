import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PrismaClient } from "../../lib/db/generated/client";
import { KeyholdError } from "../../lib/errors";
import { loadConfigView, saveConfig, type SaveConfigInput } from "../../lib/managers/config-store";
import { resolveScope, type ResolvedScope } from "../../lib/managers/scope";
import { migratedPrisma, TEST_DATABASES } from "../support/test-db";

// Saving a dedicated manager refuses what the tenant may not name, with field errors, and writes nothing: an AWS
// external id another tenant's role could trust (the confused deputy), a token file outside the tenant's directories.

process.env.KEYHOLD_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");

const ROLE = "arn:aws:iam::111122223333:role/keyhold-reader";
const aws = (section: Record<string, unknown>) => ({
  type: "aws-secret-manager",
  "read-only": true,
  "aws-secret-manager": {
    region: "eu-west-1",
    "access-key-id": "AKIAEXAMPLE",
    "secret-key-id": "CANARY-secret",
    "role-arn": ROLE,
    ...section,
  },
});
const input = (document: unknown): SaveConfigInput => ({
  expectedVersion: null,
  enabled: true,
  document,
  keepCredentials: [],
});

async function rejection(p: Promise<unknown>): Promise<KeyholdError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyholdError);
  return error as KeyholdError;
}

const savedDirs = process.env.KEYHOLD_TOKEN_FILE_DIRS;
afterEach(() => {
  if (savedDirs === undefined) delete process.env.KEYHOLD_TOKEN_FILE_DIRS;
  else process.env.KEYHOLD_TOKEN_FILE_DIRS = savedDirs;
});

describe.each(TEST_DATABASES)("tenant boundary of keyless settings on $kind", ({ kind, available }) => {
  const database = migratedPrisma(kind, available);
  let prisma: PrismaClient;
  let scope: ResolvedScope;

  beforeEach(async () => {
    if (!available) return;
    prisma = database.get();
    await prisma.tenant.deleteMany();
    const tenant = await prisma.tenant.create({ data: { slug: "acme", displayName: "Acme" } });
    await prisma.tenant.create({ data: { slug: "globex", displayName: "Globex" } });
    scope = await resolveScope(prisma, tenant.id, null);
  });

  it.skipIf(!available)("refuses another tenant's external id and saves nothing", async () => {
    for (const externalId of ["globex", "globex:prod", "acme-prod"]) {
      const e = await rejection(
        saveConfig(prisma, scope, input(aws({ "external-id": externalId })), "tester", {
          instanceAdmin: false,
        }),
      );
      expect(e.code).toBe("invalid-input");
      expect(e.fieldErrors?.["aws-secret-manager.external-id"]).toContain("(acme)");
    }
    expect(await prisma.secretsManagerConfig.count()).toBe(0);
    expect(await prisma.auditEvent.count({ where: { action: "config.created" } })).toBe(0);
  });

  it.skipIf(!available)(
    "refuses it whoever saves: a caller that does not name the tenant (the REST API, the CLI) is held to it too",
    async () => {
      const e = await rejection(
        saveConfig(prisma, scope, input(aws({ "external-id": "globex" })), "tester", { instanceAdmin: false }),
      );
      expect(e.fieldErrors?.["aws-secret-manager.external-id"]).toBeTruthy();
      expect((await loadConfigView(prisma, scope)).type).toBeNull();
    },
  );

  it.skipIf(!available)("saves the tenant's own external id", async () => {
    const view = await saveConfig(prisma, scope, input(aws({ "external-id": "acme:prod" })), "tester", {
      instanceAdmin: false,
    });
    expect(view.exists).toBe(true);
    expect((await loadConfigView(prisma, scope)).settings["aws-secret-manager"]).toMatchObject({
      "external-id": "acme:prod",
    });
  });

  it.skipIf(!available)(
    "refuses a token file outside the tenant's directories, and stores an allowed one encrypted",
    async () => {
      process.env.KEYHOLD_TOKEN_FILE_DIRS = "/var/run/keyhold/{tenant}";
      const webIdentity = (file: string) =>
        aws({ "access-key-id": undefined, "secret-key-id": undefined, "web-identity-token-file": file });
      for (const file of [
        "/var/run/keyhold/globex/aws",
        "/var/run/secrets/kubernetes.io/serviceaccount/token",
        "/var/run/keyhold/acme/../globex/aws",
      ]) {
        const e = await rejection(
          saveConfig(prisma, scope, input(webIdentity(file)), "tester", { instanceAdmin: false }),
        );
        expect(e.fieldErrors?.["aws-secret-manager.web-identity-token-file"], file).toBeTruthy();
        expect(JSON.stringify(e)).not.toContain("globex/aws");
      }
      expect(await prisma.secretsManagerConfig.count()).toBe(0);
      const view = await saveConfig(prisma, scope, input(webIdentity("/var/run/keyhold/acme/aws")), "tester", {
        instanceAdmin: false,
      });
      expect(view.credentialsSet).toContain("aws-secret-manager.web-identity-token-file");
      const row = await prisma.secretsManagerConfig.findFirstOrThrow();
      expect(JSON.stringify(row.settings)).not.toContain("/var/run/keyhold");
      expect(row.credentials).not.toContain("/var/run/keyhold");
    },
  );
});
