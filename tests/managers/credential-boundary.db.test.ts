import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../lib/db/generated/client";
import { migratedPrisma, TEST_DATABASES } from "../support/test-db";
import { KeyholdError } from "../../lib/errors";
import { verifyForm } from "../../lib/secrets/verify";
import { backendFor } from "../../lib/secrets/backend-for";
import { startRecordingServer, type RecordingServer } from "../support/recording-server";
import { encrypt } from "../../lib/crypto";
import { loadConfigView, saveConfig, type SaveConfigInput } from "../../lib/managers/config-store";
import { openCredentials, rebindLegacyCredentials } from "../../lib/managers/credential-binding";
import { resolveScope, type ResolvedScope } from "../../lib/managers/scope";

process.env.KEYHOLD_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");

const TOKEN = "hvs.CANARY-boundary-token";
const vaultDoc = (address: string, token: unknown = { token: TOKEN }) => ({
  type: "vault",
  "read-only": true,
  vault: { address, token },
});
const input = (document: unknown, expectedVersion: number | null, keepCredentials: string[] = []): SaveConfigInput => ({
  expectedVersion,
  enabled: true,
  document,
  keepCredentials,
});

async function rejection(p: Promise<unknown>): Promise<KeyholdError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyholdError);
  return error as KeyholdError;
}

const TENANT_ADMIN = { actor: "tenant-admin@keyhold.test", instanceAdmin: false };
const INSTANCE_ADMIN = { actor: "instance-admin@keyhold.test", instanceAdmin: true };

const sawToken = (server: RecordingServer) => server.requests.some((r) => JSON.stringify(r.headers).includes("CANARY"));

describe.each(TEST_DATABASES)("credential boundary on $kind", ({ kind, available }) => {
  const database = migratedPrisma(kind, available);
  let prisma: PrismaClient;
  let scope: ResolvedScope;
  let tenant: { id: string; slug: string };
  let attacker: RecordingServer;

  beforeAll(async () => {
    attacker = await startRecordingServer();
  });
  afterAll(() => attacker?.close());

  beforeEach(async () => {
    if (!available) return;
    attacker.requests.length = 0;
    prisma = database.get();
    await prisma.tenant.deleteMany();
    tenant = await prisma.tenant.create({
      data: { slug: "acme", displayName: "Acme" },
      select: { id: true, slug: true },
    });
    await prisma.namespace.create({ data: { tenantId: tenant.id, path: "company" } });
    scope = await resolveScope(prisma, tenant.id, "company");
    // The instance administrator's configuration: the token is for vault.example.com only.
    await saveConfig(
      prisma,
      scope,
      input(vaultDoc("https://vault.example.com:8200"), null),
      "instance-admin@keyhold.test",
    );
  });

  it.skipIf(!available)("verify of an unsaved form does not send a kept token to a changed address", async () => {
    const outcome = await verifyForm(
      prisma,
      tenant,
      scope,
      vaultDoc(attacker.url, {}),
      ["vault.token.token"],
      TENANT_ADMIN,
    ).catch((e: unknown) => e);
    expect(sawToken(attacker)).toBe(false);
    expect(attacker.connections()).toBe(0);
    expect(outcome).toBeInstanceOf(KeyholdError);
    expect((outcome as KeyholdError).code).toBe("invalid-input");
    expect((outcome as KeyholdError).fieldErrors).toEqual({
      "vault.token.token": "Enter the token again: the address changed",
    });
  });

  it.skipIf(!available)("saving a kept token with a changed address is refused and changes nothing", async () => {
    const before = await prisma.secretsManagerConfig.findFirstOrThrow({ where: { tenantId: tenant.id } });
    const error = await rejection(
      saveConfig(
        prisma,
        scope,
        input(vaultDoc(attacker.url, {}), 1, ["vault.token.token"]),
        "tenant-admin@keyhold.test",
      ),
    );
    expect(error.code).toBe("invalid-input");
    expect(error.fieldErrors).toEqual({ "vault.token.token": "Enter the token again: the address changed" });
    expect(await prisma.secretsManagerConfig.findFirstOrThrow({ where: { tenantId: tenant.id } })).toEqual(before);
  });

  it.skipIf(!available)(
    "a stored row whose address was changed by another path cannot use its credentials",
    async () => {
      const row = await prisma.secretsManagerConfig.findFirstOrThrow({ where: { tenantId: tenant.id } });
      const settings = row.settings as { vault: Record<string, unknown> };
      await prisma.secretsManagerConfig.update({
        where: { id: row.id },
        data: { settings: { ...settings, vault: { ...settings.vault, address: attacker.url } } },
      });
      const effective = {
        type: "vault",
        configId: row.id,
        readOnly: true,
        source: { kind: "namespace", namespace: "company" },
      } as never;
      const result = await backendFor(prisma, tenant, effective)
        .then((b) => b.verify())
        .catch((e: unknown) => e);
      expect(sawToken(attacker)).toBe(false);
      expect(attacker.connections()).toBe(0);
      expect((result as { code?: string }).code).toBe("invalid-config");
      const view = await loadConfigView(prisma, scope);
      expect(view).toMatchObject({ credentialsSet: [], credentialsUnusable: true });
      // Keeping the unusable credential is refused with a field error, rather than failing later.
      const kept = await rejection(
        saveConfig(
          prisma,
          scope,
          input(vaultDoc(attacker.url, {}), 1, ["vault.token.token"]),
          "tenant-admin@keyhold.test",
        ),
      );
      expect(kept.fieldErrors).toEqual({
        "vault.token.token": "Enter the token again: the stored one was saved for another destination",
      });
      expect(attacker.connections()).toBe(0);
    },
  );

  it.skipIf(!available)(
    "verifying unsaved forms is limited per user, and audited with the destination host",
    async () => {
      await prisma.rateLimitBucket.deleteMany();
      const tries = await Promise.all(
        Array.from({ length: 32 }, () =>
          verifyForm(prisma, tenant, scope, { type: "vault" }, [], TENANT_ADMIN).then(
            () => "ok",
            (e: KeyholdError) => e.code,
          ),
        ),
      );
      expect(tries.filter((t) => t === "ok")).toHaveLength(30);
      expect(tries.filter((t) => t === "rate-limited")).toHaveLength(2);
      // Another user has a budget of their own.
      // Another user has a budget of their own (the default egress policy refuses the loopback address before any packet).
      const other = await verifyForm(prisma, tenant, scope, vaultDoc(attacker.url, { token: "hvs.other" }), [], {
        actor: "someone-else@keyhold.test",
        instanceAdmin: false,
      });
      expect(other.status).toBe("forbidden");
      expect(attacker.connections()).toBe(0);
      const audit = await prisma.auditEvent.findFirstOrThrow({
        where: { action: "config.verify-form", actor: "someone-else@keyhold.test" },
      });
      expect(audit).toMatchObject({
        tenantId: tenant.id,
        namespace: "company",
        outcome: "failure",
        details: { backend: "vault", host: `127.0.0.1:${attacker.port}`, identity: "configured", status: "forbidden" },
      });
    },
  );

  it.skipIf(!available)("binds envelopes written before destination binding once, at start-up", async () => {
    const row = await prisma.secretsManagerConfig.findFirstOrThrow({ where: { tenantId: tenant.id } });
    const legacy = encrypt(
      JSON.stringify({ "vault.token.token": TOKEN }),
      `secrets-manager-config:${tenant.id}:${scope.scopeKey}`,
    );
    await prisma.secretsManagerConfig.update({ where: { id: row.id }, data: { credentials: legacy } });
    expect((await loadConfigView(prisma, scope)).credentialsUnusable).toBe(true);
    expect(await rebindLegacyCredentials(prisma)).toBe(1);
    expect(await rebindLegacyCredentials(prisma)).toBe(0);
    const rebound = await prisma.secretsManagerConfig.findFirstOrThrow({ where: { id: row.id } });
    expect(
      openCredentials(rebound.credentials!, scope, { ...(rebound.settings as object), type: "vault" } as never),
    ).toEqual({ "vault.token.token": TOKEN });
    expect(await loadConfigView(prisma, scope)).toMatchObject({
      credentialsSet: ["vault.token.token"],
      credentialsUnusable: false,
    });
  });
});

describe.each(TEST_DATABASES)("the server's own identity on $kind", ({ kind, available }) => {
  const database = migratedPrisma(kind, available);
  let aws: RecordingServer;
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  beforeAll(async () => {
    aws = await startRecordingServer(400, { __type: "AccessDeniedException", message: "denied" });
    // The machine's own identity, as an instance role or the environment would give it.
    process.env.AWS_ACCESS_KEY_ID = "AKIACANARYSERVERKEY1";
    process.env.AWS_SECRET_ACCESS_KEY = "CANARY-server-secret";
  });
  afterAll(async () => {
    await aws?.close();
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = saved.id;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  });

  it.skipIf(!available)("a tenant's form without keys does not sign with the server's AWS key", async () => {
    const prisma = database.get();
    await prisma.tenant.deleteMany();
    const tenant = await prisma.tenant.create({
      data: { slug: "acme", displayName: "Acme" },
      select: { id: true, slug: true },
    });
    const scope = await resolveScope(prisma, tenant.id, null);
    const document = {
      type: "aws-secret-manager",
      "read-only": true,
      "aws-secret-manager": { region: "us-east-1", "endpoint-override": aws.url },
    };
    for (const who of [TENANT_ADMIN, INSTANCE_ADMIN]) {
      const outcome = await verifyForm(prisma, tenant, scope, document, [], who).catch((e: unknown) => e);
      expect(outcome).toMatchObject({ ok: false, status: "invalid-config" });
      expect((outcome as { message: string }).message).toContain("the server's own AWS identity");
      const error = await rejection(saveConfig(prisma, scope, input(document, null), who.actor, who));
      expect(error.code).toBe("invalid-config");
    }
    expect(aws.requests.map((r) => r.headers.authorization ?? "").join()).not.toContain("AKIACANARY");
    expect(aws.connections()).toBe(0);
    expect(await prisma.secretsManagerConfig.count()).toBe(0);
    const audit = await prisma.auditEvent.findMany({ where: { action: "config.verify-form" } });
    expect(audit.map((a) => [a.actor, a.outcome, (a.details as { identity?: string }).identity])).toEqual([
      [TENANT_ADMIN.actor, "failure", "ambient"],
      [INSTANCE_ADMIN.actor, "failure", "ambient"],
    ]);
  });

  it.skipIf(!available)(
    "where the instance allows it, only an instance administrator's configuration uses the server's identity",
    async () => {
      const prisma = database.get();
      await prisma.tenant.deleteMany();
      const tenant = await prisma.tenant.create({
        data: { slug: "acme", displayName: "Acme" },
        select: { id: true, slug: true },
      });
      const scope = await resolveScope(prisma, tenant.id, null);
      const document = {
        type: "aws-secret-manager",
        "read-only": true,
        "aws-secret-manager": { region: "us-east-1", "endpoint-override": aws.url },
      };
      process.env.KEYHOLD_ALLOW_SERVER_IDENTITY = "true";
      // The loopback stand-in for AWS must pass the egress policy, as a real endpoint would.
      const egress = process.env.KEYHOLD_EGRESS_ALLOW;
      process.env.KEYHOLD_EGRESS_ALLOW = `127.0.0.1:${aws.port}`;
      try {
        const refused = await rejection(
          saveConfig(prisma, scope, input(document, null), TENANT_ADMIN.actor, TENANT_ADMIN),
        );
        expect(refused.message).toContain("only an instance administrator");
        expect(aws.connections()).toBe(0);

        await saveConfig(prisma, scope, input(document, null), INSTANCE_ADMIN.actor, INSTANCE_ADMIN);
        const row = await prisma.secretsManagerConfig.findFirstOrThrow({ where: { tenantId: tenant.id } });
        expect(row.serverIdentityApprovedBy).toBe(INSTANCE_ADMIN.actor);
        const effective = {
          type: "aws-secret-manager",
          configId: row.id,
          readOnly: true,
          source: { kind: "tenant" },
        } as never;
        const verified = await backendFor(prisma, tenant, effective)
          .then((b) => b.verify())
          .catch((e: unknown) => e);
        // The request went out signed with the server's key, as the instance allowed (the loopback server denies it).
        expect((verified as { code?: string }).code).toBe("forbidden");
        expect(aws.requests.at(-1)?.headers.authorization).toContain("Credential=AKIACANARYSERVERKEY1/");

        // A tenant administrator saving it again loses the approval rather than inheriting it.
        const again = await rejection(saveConfig(prisma, scope, input(document, 1), TENANT_ADMIN.actor, TENANT_ADMIN));
        expect(again.code).toBe("invalid-config");
      } finally {
        delete process.env.KEYHOLD_ALLOW_SERVER_IDENTITY;
        if (egress === undefined) delete process.env.KEYHOLD_EGRESS_ALLOW;
        else process.env.KEYHOLD_EGRESS_ALLOW = egress;
      }
      // Turning the instance setting off stops the approved configuration too, before any request.
      const before = aws.requests.length;
      const row = await prisma.secretsManagerConfig.findFirstOrThrow({ where: { tenantId: tenant.id } });
      const effective = {
        type: "aws-secret-manager",
        configId: row.id,
        readOnly: true,
        source: { kind: "tenant" },
      } as never;
      const result = await backendFor(prisma, tenant, effective).catch((e: unknown) => e);
      expect((result as { code?: string }).code).toBe("invalid-config");
      expect(aws.requests.length).toBe(before);
    },
  );
});
