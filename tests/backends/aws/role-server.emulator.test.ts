import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../../lib/db/generated/client";
import { KeyholdError } from "../../../lib/errors";
import { saveConfig, type SaveConfigInput } from "../../../lib/managers/config-store";
import { resolveScope } from "../../../lib/managers/scope";
import { backendFor } from "../../../lib/secrets/backend-for";
import { verifyForm } from "../../../lib/secrets/verify";
import { awsEnv, awsSdk, closeAwsSdk, tagList } from "../../support/backends/aws";
import { issuedKey, signer, startAwsForwarder, type AwsForwarder } from "../../support/backends/aws-forwarder";
import { guardLoopback } from "../../support/backends/vault";
import { emulatorsDisabled } from "../../support/emulators";
import { migratedPrisma, TEST_DATABASES } from "../../support/test-db";

// Role chaining from the server's own identity (the form's "Assume a role (server identity)"): where the instance
// allows it and an instance administrator saved the configuration, the ambient credentials (here the environment's
// key, as an instance role would give them) sign AssumeRole at moto's STS, and the session signs Secrets Manager.
// Without the instance setting the same configuration is refused before anything is sent. Every call goes through a
// recording forwarder on loopback; the instance metadata service is disabled and the loopback guard stays on.

guardLoopback();
process.env.KEYHOLD_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");

const ROLE = "arn:aws:iam::123456789012:role/keyhold-server-chain";
const AMBIENT_KEY = "AKIDAMBIENTSERVER01";
const PREFIX = `rs${process.pid}x${Date.now().toString(36)}`;
const TENANT_ADMIN = { actor: "tenant-admin@keyhold.test", instanceAdmin: false };
const INSTANCE_ADMIN = { actor: "instance-admin@keyhold.test", instanceAdmin: true };

// Everything the test sets in the environment, restored afterwards.
const ENV = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_EC2_METADATA_DISABLED",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_PROFILE",
  "KEYHOLD_ALLOW_SERVER_IDENTITY",
  "KEYHOLD_EGRESS_ALLOW",
] as const;
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

// One forwarder per database run: a new endpoint is a new client, so each run assumes the role afresh.
let fwd: AwsForwarder;

const document = () => ({
  type: "aws-secret-manager",
  "read-only": true,
  "aws-secret-manager": {
    prefix: PREFIX,
    region: awsEnv().region,
    "endpoint-override": fwd.url,
    "sts-endpoint-override": fwd.url,
    "role-arn": ROLE,
    duration: 900,
  },
});
const input = (expectedVersion: number | null): SaveConfigInput => ({
  expectedVersion,
  enabled: true,
  document: document(),
  keepCredentials: [],
});
const tenantConfig = (configId: string) =>
  ({ type: "aws-secret-manager", configId, readOnly: true, source: { kind: "tenant" } }) as never;

async function rejection(p: Promise<unknown>): Promise<KeyholdError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyholdError);
  return error as KeyholdError;
}

beforeAll(async () => {
  if (emulatorsDisabled) return;
  // The server's own identity, from the environment: the default chain takes it first, and never asks the instance
  // metadata service (disabled besides; no container or web identity variables either).
  for (const k of ENV) delete process.env[k];
  process.env.AWS_ACCESS_KEY_ID = AMBIENT_KEY;
  process.env.AWS_SECRET_ACCESS_KEY = "ambient-server-secret";
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  await awsSdk().send(
    new CreateSecretCommand({
      Name: `${PREFIX}/db`,
      SecretString: "CANARY-role-server",
      Tags: tagList({ namespace: "company", key: "DB", prefix: PREFIX }),
    }),
  );
});

afterAll(async () => {
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  closeAwsSdk();
});

describe.skipIf(emulatorsDisabled).each(TEST_DATABASES)(
  "AWS role chained from the server's identity on $kind",
  ({ kind, available }) => {
    const database = migratedPrisma(kind, available);
    let prisma: PrismaClient;
    let tenant: { id: string; slug: string };

    beforeAll(async () => {
      if (!available) return;
      fwd = await startAwsForwarder(awsEnv().endpoint);
      // Dedicated managers reach loopback only where the instance allows it: the forwarder, exactly.
      process.env.KEYHOLD_EGRESS_ALLOW = `127.0.0.1:${fwd.port}`;
    });
    afterAll(async () => {
      await fwd?.close();
    });

    beforeEach(async () => {
      if (!available) return;
      fwd.seen.length = 0;
      delete process.env.KEYHOLD_ALLOW_SERVER_IDENTITY;
      prisma = database.get();
      await prisma.tenant.deleteMany();
      tenant = await prisma.tenant.create({
        data: { slug: "acme", displayName: "Acme" },
        select: { id: true, slug: true },
      });
    });

    it.skipIf(!available)("without the instance setting, nobody may save or try it, and nothing is sent", async () => {
      const scope = await resolveScope(prisma, tenant.id, null);
      for (const who of [TENANT_ADMIN, INSTANCE_ADMIN]) {
        const error = await rejection(saveConfig(prisma, scope, input(null), who.actor, who));
        expect(error.code).toBe("invalid-config");
        expect(error.message).toMatch(/may not use on this instance/);
        const outcome = await verifyForm(prisma, tenant, scope, document(), [], who).catch((e: unknown) => e);
        expect(outcome).toMatchObject({ ok: false, status: "invalid-config" });
      }
      expect(await prisma.secretsManagerConfig.count()).toBe(0);
      expect(fwd.connections()).toBe(0);
    });

    it.skipIf(!available)(
      "where the instance allows it, the environment's key assumes the role and the session signs Secrets Manager",
      async () => {
        const scope = await resolveScope(prisma, tenant.id, null);
        process.env.KEYHOLD_ALLOW_SERVER_IDENTITY = "true";
        // A tenant administrator still may not: only an instance administrator approves the server's identity.
        const refused = await rejection(saveConfig(prisma, scope, input(null), TENANT_ADMIN.actor, TENANT_ADMIN));
        expect(refused.message).toContain("only an instance administrator");
        expect(fwd.seen).toEqual([]);

        await saveConfig(prisma, scope, input(null), INSTANCE_ADMIN.actor, INSTANCE_ADMIN);
        const row = await prisma.secretsManagerConfig.findFirstOrThrow({ where: { tenantId: tenant.id } });
        expect(row.serverIdentityApprovedBy).toBe(INSTANCE_ADMIN.actor);
        // Nothing to store: the configuration carries no credential.
        expect(row.credentials).toBeNull();

        const backend = await backendFor(prisma, tenant, tenantConfig(row.id));
        const verified = await backend.verify();
        expect(verified.status).toBe("ok");
        const read = verified.capabilities?.rows.find((r) => r.operation === "read");
        expect(read?.outcome).toBe("yes");

        const sts = fwd.stsCalls();
        expect(sts).toHaveLength(1);
        expect(sts[0].status).toBe(200);
        expect(Object.fromEntries(sts[0].form)).toMatchObject({
          Action: "AssumeRole",
          RoleArn: ROLE,
          ExternalId: "acme",
          RoleSessionName: "keyhold-acme",
          DurationSeconds: "900",
        });
        // Signed by the server's own key: the ambient chain, nothing configured.
        expect(signer(sts[0])).toBe(AMBIENT_KEY);
        const session = issuedKey(sts[0]);
        expect(session).toMatch(/^ASIA/);
        expect(session).not.toBe(AMBIENT_KEY);
        // Every Secrets Manager call (list, describe, the one read) is signed by the session, never the ambient key.
        const sm = fwd.smCalls();
        expect(sm.map((c) => c.target)).toEqual(
          expect.arrayContaining(["secretsmanager.listsecrets", "secretsmanager.getsecretvalue"]),
        );
        expect(sm.map(signer)).toEqual(sm.map(() => session));
        expect(JSON.stringify(verified)).not.toContain("CANARY");

        // Turning the setting off stops the approved configuration too, before any request.
        delete process.env.KEYHOLD_ALLOW_SERVER_IDENTITY;
        const before = fwd.connections();
        const off = await backendFor(prisma, tenant, tenantConfig(row.id)).catch((e: unknown) => e);
        expect((off as { code?: string }).code).toBe("invalid-config");
        expect(fwd.connections()).toBe(before);
      },
    );
  },
);
