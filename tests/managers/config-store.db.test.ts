import { beforeEach, describe, expect, it } from "vitest";
import { PrismaClient } from "../../lib/db/generated/client";
import { migratedPrisma, TEST_DATABASES } from "../support/test-db";
import { KeyholdError } from "../../lib/errors";
import { loadConfigView, saveConfig, type SaveConfigInput } from "../../lib/managers/config-store";
import { openCredentials } from "../../lib/managers/credential-binding";
import { resolveScope, type ResolvedScope } from "../../lib/managers/scope";
import { configCandidates } from "../../lib/managers/effective";
import { refreshSource, sourceState } from "../../lib/secrets/index/store";
import { databaseSource } from "../../lib/secrets/serving";

process.env.KEYHOLD_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");

const TOKEN = "hvs.CANARY-token-31337";
const PASSWORD = "CANARY-password-42";

const vaultDoc = (over: Record<string, unknown> = {}) => ({
  type: "vault",
  "read-only": true,
  vault: { address: "https://vault.example.com:8200", "secret-path-prefix": "app1", token: { token: TOKEN }, ...over },
});

const input = (document: unknown, expectedVersion: number | null, keepCredentials: string[] = []): SaveConfigInput => ({
  expectedVersion,
  enabled: true,
  document,
  keepCredentials,
});

const storedCredentials = (row: { credentials: string | null; settings: unknown }, scope: ResolvedScope) =>
  openCredentials(row.credentials!, scope, { ...(row.settings as object), type: "vault" } as never);

async function rejection(p: Promise<unknown>): Promise<KeyholdError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyholdError);
  return error as KeyholdError;
}

describe.each(TEST_DATABASES)("dedicated manager settings on $kind", ({ kind, available }) => {
  const database = migratedPrisma(kind, available);
  let prisma: PrismaClient;
  let scope: ResolvedScope;
  let tenantId: string;

  beforeEach(async () => {
    if (!available) return;
    prisma = database.get();
    await prisma.tenant.deleteMany();
    const tenant = await prisma.tenant.create({ data: { slug: "acme", displayName: "Acme" } });
    tenantId = tenant.id;
    await prisma.namespace.createMany({
      data: [
        { tenantId, path: "company" },
        { tenantId, path: "company.team" },
      ],
    });
    scope = await resolveScope(prisma, tenantId, "company");
  });

  it.skipIf(!available)("a save or a disable drops the manager's secrets index; the next list scans anew", async () => {
    await saveConfig(prisma, scope, input(vaultDoc({}), null), "tester");
    const row = await prisma.secretsManagerConfig.findFirstOrThrow({ where: { tenantId } });
    const tenant = { id: tenantId, slug: "acme" };
    const effective = {
      type: "vault",
      readOnly: true,
      configId: row.id,
      source: { kind: "namespace", namespace: "company", own: true },
    } as const;
    const fill = async () => {
      const source = await databaseSource(prisma, tenant, effective);
      await refreshSource(prisma, source, async function* () {
        yield [
          {
            backendName: "app1/db",
            key: "db",
            namespace: null,
            tenantTag: null,
            description: null,
            tags: {},
            subkeys: null,
            updatedAt: null,
            version: null,
            ignored: null,
          },
        ];
      });
      return source;
    };
    const first = await fill();
    expect(first).toMatchObject({ key: `config:${row.id}:v1`, configId: row.id, ttlMs: 60_000 });
    expect((await sourceState(prisma, first.key))?.servedGeneration).not.toBeNull();

    // A new TTL is a change like any other: a new version, a new source, the old index gone.
    await saveConfig(prisma, scope, input(vaultDoc({}), 1, ["vault.token.token"]), "tester");
    expect(await sourceState(prisma, first.key)).toBeNull();
    const withTtl = { ...vaultDoc({}), cache: { "expire-after-write": "5m" } };
    await saveConfig(prisma, scope, input(withTtl, 2, ["vault.token.token"]), "tester");
    const second = await fill();
    expect(second).toMatchObject({ key: `config:${row.id}:v3`, ttlMs: 300_000 });

    await saveConfig(
      prisma,
      scope,
      { expectedVersion: 3, enabled: false, document: null, keepCredentials: [] },
      "tester",
    );
    expect(await sourceState(prisma, second.key)).toBeNull();
    expect(await prisma.$queryRaw`SELECT "key" FROM "SecretIndexSource"`).toEqual([]);
  });

  it.skipIf(!available)("stores credentials encrypted and never returns them", async () => {
    const view = await saveConfig(prisma, scope, input(vaultDoc(), null), "tester");
    expect(view).toMatchObject({
      exists: true,
      version: 1,
      type: "vault",
      readOnly: true,
      credentialsSet: ["vault.token.token"],
    });
    expect(JSON.stringify(view)).not.toContain(TOKEN);
    expect((view.settings.vault as Record<string, unknown>)["root-engine"]).toBe("secret");

    const row = await prisma.secretsManagerConfig.findFirstOrThrow({ where: { tenantId } });
    expect(row.credentials).toMatch(/^kh1\./);
    expect(row.credentials).not.toContain(TOKEN);
    expect(JSON.stringify(row.settings)).not.toContain(TOKEN);
    expect(storedCredentials(row, scope)).toEqual({ "vault.token.token": TOKEN });

    const audit = await prisma.auditEvent.findMany({ where: { tenantId, action: "config.created" } });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0].details)).not.toContain(TOKEN);
    expect(audit[0].details).toMatchObject({ credentials: { "vault.token.token": "replaced" } });
  });

  it.skipIf(!available)("keeps a credential the form left alone, and replaces one the form sends", async () => {
    await saveConfig(prisma, scope, input(vaultDoc(), null), "tester");
    const kept = vaultDoc({ token: {}, "secret-path-prefix": "app2" });
    const v2 = await saveConfig(prisma, scope, input(kept, 1, ["vault.token.token"]), "tester");
    expect(v2.version).toBe(2);
    let row = await prisma.secretsManagerConfig.findFirstOrThrow({ where: { tenantId } });
    expect(storedCredentials(row, scope)["vault.token.token"]).toBe(TOKEN);

    await saveConfig(prisma, scope, input(vaultDoc({ token: { token: "hvs.new" } }), 2), "tester");
    row = await prisma.secretsManagerConfig.findFirstOrThrow({ where: { tenantId } });
    expect(storedCredentials(row, scope)["vault.token.token"]).toBe("hvs.new");
  });

  it.skipIf(!available)("does not carry a kept credential into another auth method or backend type", async () => {
    await saveConfig(prisma, scope, input(vaultDoc(), null), "tester");
    const switched = {
      type: "vault",
      "read-only": true,
      vault: { address: "https://vault.example.com", password: { user: "ops" } },
    };
    const error = await rejection(saveConfig(prisma, scope, input(switched, 1, ["vault.token.token"]), "tester"));
    expect(error.code).toBe("invalid-input");
    expect(error.fieldErrors).toEqual({ "vault.password.password": "Required" });

    const aws = {
      type: "aws-secret-manager",
      "read-only": false,
      "aws-secret-manager": { region: "eu-west-1", "access-key-id": "AKIAEXAMPLE", "secret-key-id": "example-secret" },
    };
    const view = await saveConfig(prisma, scope, input(aws, 1, ["vault.token.token"]), "tester");
    expect(view).toMatchObject({ type: "aws-secret-manager", credentialsSet: ["aws-secret-manager.secret-key-id"] });
    const row = await prisma.secretsManagerConfig.findFirstOrThrow({ where: { tenantId } });
    expect(
      openCredentials(row.credentials!, scope, { ...(row.settings as object), type: "aws-secret-manager" } as never),
    ).toEqual({ "aws-secret-manager.secret-key-id": "example-secret" });
  });

  it.skipIf(!available)("refuses an invalid document with field errors and changes nothing", async () => {
    await saveConfig(prisma, scope, input(vaultDoc(), null), "tester");
    const before = await prisma.secretsManagerConfig.findFirstOrThrow({ where: { tenantId } });
    const bad = vaultDoc({ address: "ftp://nope", "engine-version": 3, color: "blue" });
    const error = await rejection(saveConfig(prisma, scope, input(bad, 1, []), "tester"));
    expect(error.code).toBe("invalid-input");
    expect(Object.keys(error.fieldErrors ?? {}).sort()).toEqual([
      "vault.address",
      "vault.color",
      "vault.engine-version",
    ]);
    const after = await prisma.secretsManagerConfig.findFirstOrThrow({ where: { tenantId } });
    expect(after).toEqual(before);
  });

  it.skipIf(!available)("answers a stale version with a conflict instead of overwriting", async () => {
    await saveConfig(prisma, scope, input(vaultDoc(), null), "first");
    await saveConfig(prisma, scope, input(vaultDoc({ "secret-path-prefix": "first" }), 1), "first");
    const error = await rejection(
      saveConfig(prisma, scope, input(vaultDoc({ "secret-path-prefix": "second" }), 1), "second"),
    );
    expect(error.code).toBe("conflict");
    const view = await loadConfigView(prisma, scope);
    expect((view.settings.vault as Record<string, unknown>)["secret-path-prefix"]).toBe("first");
    expect(view.version).toBe(2);

    const again = await rejection(saveConfig(prisma, scope, input(vaultDoc(), null), "third"));
    expect(again.code).toBe("conflict");
  });

  it.skipIf(!available || kind !== "postgres")(
    "lets exactly one of two simultaneous saves of the same version win",
    async () => {
      await saveConfig(prisma, scope, input(vaultDoc(), null), "first");
      const results = await Promise.allSettled(
        ["a", "b", "c"].map((p) => saveConfig(prisma, scope, input(vaultDoc({ "secret-path-prefix": p }), 1), p)),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(
        results
          .filter((r) => r.status === "rejected")
          .map((r) => ((r as PromiseRejectedResult).reason as KeyholdError).code),
      ).toEqual(["conflict", "conflict"]);
      expect((await loadConfigView(prisma, scope)).version).toBe(2);
    },
  );

  it.skipIf(!available)("disabling keeps the settings but removes the manager from resolution", async () => {
    await saveConfig(prisma, scope, input(vaultDoc(), null), "tester");
    const view = await saveConfig(
      prisma,
      scope,
      { expectedVersion: 1, enabled: false, document: {}, keepCredentials: [] },
      "tester",
    );
    expect(view).toMatchObject({
      exists: true,
      enabled: false,
      version: 2,
      type: "vault",
      credentialsSet: ["vault.token.token"],
    });
    expect((await configCandidates(prisma, tenantId)).map((c) => c.enabled)).toEqual([false]);
  });

  it.skipIf(!available)("keeps tenant and namespace configurations apart, per tenant", async () => {
    const tenantScope = await resolveScope(prisma, tenantId, null);
    await saveConfig(
      prisma,
      tenantScope,
      input(
        {
          type: "aws-secret-manager",
          "read-only": false,
          "aws-secret-manager": {
            region: "us-east-1",
            "access-key-id": "AKIAEXAMPLE",
            "secret-key-id": "example-secret",
          },
        },
        null,
      ),
      "t",
    );
    await saveConfig(
      prisma,
      scope,
      input(vaultDoc({ token: undefined, password: { user: "ops", password: PASSWORD } }), null),
      "t",
    );
    const candidates = await configCandidates(prisma, tenantId);
    expect(
      candidates.map((c) => [c.namespace, c.type]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      ["company", "vault"],
      [null, "aws-secret-manager"],
    ]);
    const other = await prisma.tenant.create({ data: { slug: "globex", displayName: "Globex" } });
    expect(await configCandidates(prisma, other.id)).toEqual([]);
    expect((await loadConfigView(prisma, await resolveScope(prisma, other.id, null))).exists).toBe(false);
    await expect(resolveScope(prisma, other.id, "company")).rejects.toThrow("Namespace 'company' does not exist.");
  });
});
