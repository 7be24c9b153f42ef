import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startCountingListener, type CountingListener } from "../support/counting-listener";
import { parseConfigFile } from "../../lib/config/config-file";
import type { PrismaClient } from "../../lib/db/generated/client";
import { migratedPrisma, TEST_DATABASES } from "../support/test-db";
import { saveConfig } from "../../lib/managers/config-store";
import { resolveScope, type ResolvedScope } from "../../lib/managers/scope";
import { backendFor } from "../../lib/secrets/backend-for";
import { verifyForm, verifyServing } from "../../lib/secrets/verify";

// The call sites: unsaved forms and saved dedicated managers go through the instance's egress policy, the
// configuration file's backend does not. Every address here is a loopback listener that counts connections.

process.env.KEYHOLD_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");

const SENTENCE = "This address is not allowed by the instance's egress policy";
const TENANT_ADMIN = { actor: "tenant-admin@keyhold.test", instanceAdmin: false };
const vaultDoc = (address: string) => ({
  type: "vault",
  "read-only": true,
  vault: { address, token: { token: "CANARY-egress-token" } },
});

const config = globalThis as unknown as { __keyholdConfig?: ReturnType<typeof parseConfigFile> };
const savedEnv = { allow: process.env.KEYHOLD_EGRESS_ALLOW, deny: process.env.KEYHOLD_EGRESS_DENY };
const restore = (name: string, value: string | undefined) =>
  value === undefined ? delete process.env[name] : (process.env[name] = value);

describe.each(TEST_DATABASES)("egress policy at the call sites on $kind", ({ kind, available }) => {
  const database = migratedPrisma(kind, available);
  let prisma: PrismaClient;
  let tenant: { id: string; slug: string };
  let scope: ResolvedScope;
  let listener: CountingListener;
  const savedConfig = config.__keyholdConfig;

  beforeAll(async () => {
    listener = await startCountingListener();
  });
  afterAll(async () => {
    await listener?.close();
    config.__keyholdConfig = savedConfig;
    restore("KEYHOLD_EGRESS_ALLOW", savedEnv.allow);
    restore("KEYHOLD_EGRESS_DENY", savedEnv.deny);
  });
  beforeEach(async () => {
    if (!available) return;
    // The instance's own policy only: the emulators' ports that the test environment allows do not matter here.
    delete process.env.KEYHOLD_EGRESS_ALLOW;
    delete process.env.KEYHOLD_EGRESS_DENY;
    config.__keyholdConfig = { backend: null, egress: null, warnings: [] };
    prisma = database.get();
    await prisma.tenant.deleteMany();
    tenant = await prisma.tenant.create({
      data: { slug: "acme", displayName: "Acme" },
      select: { id: true, slug: true },
    });
    await prisma.namespace.create({ data: { tenantId: tenant.id, path: "company" } });
    scope = await resolveScope(prisma, tenant.id, "company");
  });
  afterEach(() => {
    config.__keyholdConfig = { backend: null, egress: null, warnings: [] };
  });

  it.skipIf(!available)(
    "verifying an unsaved form refuses a loopback address before any connection, and audits it",
    async () => {
      const before = listener.connections();
      const outcome = await verifyForm(
        prisma,
        tenant,
        scope,
        vaultDoc(`http://127.0.0.1:${listener.port}`),
        [],
        TENANT_ADMIN,
      );
      expect(outcome).toMatchObject({
        ok: false,
        status: "forbidden",
        message: `${SENTENCE} (127.0.0.1:${listener.port}).`,
      });
      expect(listener.connections()).toBe(before);
      const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "config.verify-form" } });
      expect(audit).toMatchObject({
        outcome: "failure",
        details: { status: "forbidden", host: `127.0.0.1:${listener.port}` },
      });
    },
  );

  it.skipIf(!available)("KEYHOLD_EGRESS_ALLOW opens exactly the port it names", async () => {
    process.env.KEYHOLD_EGRESS_ALLOW = `127.0.0.1:${listener.port + 1}, ${listener.hostPort}`;
    const before = listener.connections();
    const outcome = await verifyForm(
      prisma,
      tenant,
      scope,
      vaultDoc(`http://127.0.0.1:${listener.port}`),
      [],
      TENANT_ADMIN,
    );
    expect(outcome.status).toBe("unreachable");
    expect(listener.connections()).toBeGreaterThan(before);
    // KEYHOLD_EGRESS_DENY wins a tie with the same entry.
    process.env.KEYHOLD_EGRESS_DENY = listener.hostPort;
    const denied = await verifyForm(
      prisma,
      tenant,
      scope,
      vaultDoc(`http://localhost:${listener.port}`),
      [],
      TENANT_ADMIN,
    );
    expect(denied.status).toBe("forbidden");
  });

  it.skipIf(!available)("a saved dedicated manager is refused at every use, and the refusal is recorded", async () => {
    await saveConfig(
      prisma,
      scope,
      {
        expectedVersion: null,
        enabled: true,
        document: vaultDoc(`http://127.0.0.1:${listener.port}`),
        keepCredentials: [],
      },
      TENANT_ADMIN.actor,
    );
    const before = listener.connections();
    const outcome = await verifyServing(prisma, tenant, "company", TENANT_ADMIN.actor);
    expect(outcome).toMatchObject({
      ok: false,
      status: "forbidden",
      message: `${SENTENCE} (127.0.0.1:${listener.port}).`,
    });
    const row = await prisma.secretsManagerConfig.findFirstOrThrow({ where: { tenantId: tenant.id } });
    expect(row.lastVerifyStatus).toBe("FORBIDDEN");
    const effective = {
      type: "vault",
      configId: row.id,
      readOnly: true,
      source: { kind: "namespace", namespace: "company", own: true },
    } as const;
    const list = await (
      await backendFor(prisma, tenant, effective)
    )
      .scan()
      [Symbol.asyncIterator]()
      .next()
      .catch((e: unknown) => e);
    expect(list).toMatchObject({ code: "forbidden", message: `${SENTENCE} (127.0.0.1:${listener.port}).` });
    expect(listener.connections()).toBe(before);
  });

  it.skipIf(!available)(
    "the configuration file's backend is trusted, and its keyhold.egress lists apply to dedicated managers",
    async () => {
      const file = [
        "kestra:",
        "  secret:",
        "    type: vault",
        "    read-only: true",
        "    vault:",
        `      address: http://127.0.0.1:${listener.port}`,
        "      token:",
        "        token: CANARY-file-token",
        "keyhold:",
        "  egress:",
        "    allow:",
        `      - 127.0.0.1:${listener.port}`,
      ].join("\n");
      config.__keyholdConfig = parseConfigFile(file, "/etc/keyhold.yaml", {});
      let before = listener.connections();
      const fromFile = await backendFor(prisma, tenant, {
        type: "vault",
        configId: null,
        readOnly: true,
        source: { kind: "file", file: "/etc/keyhold.yaml" },
      });
      expect(
        await fromFile.verify().then(
          () => null,
          (e: { code: string }) => e.code,
        ),
      ).toBe("unreachable");
      expect(listener.connections()).toBeGreaterThan(before);

      before = listener.connections();
      expect(
        (await verifyForm(prisma, tenant, scope, vaultDoc(`http://127.0.0.1:${listener.port}`), [], TENANT_ADMIN))
          .status,
      ).toBe("unreachable");
      expect(listener.connections()).toBeGreaterThan(before);

      // Without the file's allow entry the same form is refused again.
      config.__keyholdConfig = parseConfigFile(file.split("\nkeyhold:")[0], "/etc/keyhold.yaml", {});
      before = listener.connections();
      expect(
        (await verifyForm(prisma, tenant, scope, vaultDoc(`http://127.0.0.1:${listener.port}`), [], TENANT_ADMIN))
          .status,
      ).toBe("forbidden");
      expect(listener.connections()).toBe(before);
    },
  );
});
