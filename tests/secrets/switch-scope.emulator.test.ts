// Switching what a namespace sees without changing its backend's type or address: an edit of Vault's path prefix
// (OpenBao) and of AWS's marker prefix (moto) is a switch like a new backend. The save refuses it without the preview's
// confirmation; the preview's counts (keys now, kept, would disappear, added) are those of the emulators' real
// contents, listed directly; the confirmed save records them. A credential-only edit (a new token, a rotated key) of
// the same configuration stays no switch: no preview scan, saved without a confirmation.
import { ListSecretsCommand } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../lib/db/generated/client";
import { KeyholdError } from "../../lib/errors";
import { saveConfig, type SaveConfigInput } from "../../lib/managers/config-store";
import { resolveScope, type ResolvedScope } from "../../lib/managers/scope";
import { runningScans } from "../../lib/secrets/index/freshness";
import { previewSwitch } from "../../lib/secrets/switch-preview";
import { awsEnv, awsSdk, awsSeeder, closeAwsSdk } from "../support/backends/aws";
import { env, guardLoopback, root, seed, targets, tree, uniqueBase } from "../support/backends/vault";
import { emulatorEgressAllow, emulatorsDisabled } from "../support/emulators";
import { migratedPrisma, TEST_DATABASES } from "../support/test-db";

process.env.KEYHOLD_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
guardLoopback();

const who = { actor: "admin@example.com", instanceAdmin: false };
const strict = { instanceAdmin: false, requireSwitchConfirmation: true };
const save = (document: unknown, expectedVersion: number | null, confirmSwitch?: string) =>
  ({ expectedVersion, enabled: true, document, keepCredentials: [], confirmSwitch }) as SaveConfigInput;

const kv2 = () => targets()[0];
const vaultDoc = (prefix: string, token = env.rootToken) => ({
  type: "vault",
  "read-only": true,
  vault: {
    address: env.addr,
    "root-engine": kv2().mount,
    "engine-version": 2,
    "secret-path-prefix": prefix,
    token: { token },
  },
});
const awsDoc = (prefix: string, keys = { id: awsEnv().accessKeyId, secret: awsEnv().secretAccessKey }) => ({
  type: "aws-secret-manager",
  "read-only": true,
  "aws-secret-manager": {
    region: awsEnv().region,
    "endpoint-override": awsEnv().endpoint,
    "access-key-id": keys.id,
    "secret-key-id": keys.secret,
    prefix,
  },
});

/** The keys of the entries under a Vault folder, as OpenBao lists them (read-only mode: each entry is a key). */
async function vaultKeys(folder: string): Promise<Set<string>> {
  return new Set(Object.keys(await tree(kv2(), folder)).map((p) => p.slice(folder.length + 1)));
}

/** The `key` tags of moto's secrets tagged for namespace company under a marker prefix, as AWS lists them. */
async function awsKeys(prefix: string): Promise<Set<string>> {
  const keys = new Set<string>();
  let NextToken: string | undefined;
  do {
    const page = await awsSdk().send(new ListSecretsCommand({ MaxResults: 100, NextToken }));
    for (const s of page.SecretList ?? []) {
      const tags = Object.fromEntries((s.Tags ?? []).map((t) => [t.Key!, t.Value ?? ""]));
      if (tags.prefix === prefix && tags.namespace === "company" && tags.key) keys.add(tags.key);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return keys;
}

/** What the preview must say for a namespace that sees `now` and would see `after`. */
function expected(now: Set<string>, after: Set<string>) {
  const missing = [...now].filter((k) => !after.has(k)).sort();
  return {
    counts: {
      current: now.size,
      kept: now.size - missing.length,
      missing: missing.length,
      added: [...after].filter((k) => !now.has(k)).length,
    },
    missing: missing.map((key) => ({ namespace: "company", key })),
  };
}

async function rejection(p: Promise<unknown>): Promise<KeyholdError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyholdError);
  return error as KeyholdError;
}

describe.skipIf(emulatorsDisabled)("a prefix edit switches what the namespace sees", () => {
  const vaultBases = { a: "", b: "" };
  const run = `kh${process.pid}${Date.now().toString(36)}`;
  const awsPrefixes = { a: `${run}-a`, b: `${run}-b` };
  const savedAllow = process.env.KEYHOLD_EGRESS_ALLOW;
  beforeAll(async () => {
    process.env.KEYHOLD_EGRESS_ALLOW = emulatorEgressAllow();
    vaultBases.a = uniqueBase("scope-a");
    vaultBases.b = uniqueBase("scope-b");
    for (const key of ["DB_PASSWORD", "API_TOKEN", "SHARED"])
      await seed(kv2(), `${vaultBases.a}/${key}`, { value: `CANARY-a-${key}` });
    for (const key of ["SHARED", "EXTRA"]) await seed(kv2(), `${vaultBases.b}/${key}`, { value: `CANARY-b-${key}` });
    const aws = awsSeeder();
    for (const [prefix, keys] of [
      [awsPrefixes.a, ["DB_PASSWORD", "API_TOKEN", "SHARED"]],
      [awsPrefixes.b, ["SHARED", "EXTRA", "MORE"]],
    ] as const)
      for (const key of keys)
        await aws.seed(`${prefix}-${key}`, `CANARY-${prefix}-${key}`, { prefix, namespace: "company", key });
  });
  afterAll(async () => {
    await Promise.all(runningScans());
    closeAwsSdk();
    if (savedAllow === undefined) delete process.env.KEYHOLD_EGRESS_ALLOW;
    else process.env.KEYHOLD_EGRESS_ALLOW = savedAllow;
  });

  for (const { kind, available } of TEST_DATABASES) {
    describe.skipIf(!available)(`on ${kind}`, () => {
      const database = migratedPrisma(kind, available);
      let prisma: PrismaClient;
      let tenant: { id: string; slug: string };
      let company: ResolvedScope;

      beforeEach(async () => {
        await Promise.all(runningScans());
        prisma = database.get();
        await prisma.tenant.deleteMany();
        const row = await prisma.tenant.create({ data: { slug: "acme", displayName: "Acme" } });
        tenant = { id: row.id, slug: "acme" };
        await prisma.namespace.createMany({ data: [{ tenantId: row.id, path: "company" }] });
        company = await resolveScope(prisma, row.id, "company");
      });

      /** What saving `document` as company's manager would switch. */
      const previewOf = (document: unknown) =>
        previewSwitch(prisma, tenant, company, { enabled: true, document, keepCredentials: [] }, who);

      /** Configures company's manager as `first`: a switch from the builtin store, confirmed. */
      async function configure(first: unknown) {
        const created = await previewOf(first);
        await saveConfig(prisma, company, save(first, null, created.confirmation!), "setup", strict);
      }

      /** Configures company's manager, then edits it as `next`. */
      async function editAndCheck(first: unknown, next: unknown, now: Set<string>, after: Set<string>) {
        await configure(first);
        await Promise.all(runningScans());

        // Without the preview: refused, nothing saved, nothing audited.
        const refused = await rejection(saveConfig(prisma, company, save(next, 1), "admin", strict));
        expect(refused.code).toBe("invalid-input");
        expect(refused.fieldErrors).toHaveProperty("confirmSwitch");
        expect(
          (await prisma.secretsManagerConfig.findFirstOrThrow({ where: { scopeKey: company.scopeKey } })).version,
        ).toBe(1);

        const preview = await previewOf(next);
        const want = expected(now, after);
        expect(preview).toMatchObject({
          switching: true,
          namespaces: ["company"],
          counts: want.counts,
          truncated: false,
          scanError: null,
        });
        expect([...preview.missing].sort((x, y) => x.key.localeCompare(y.key))).toEqual(want.missing);
        expect(JSON.stringify(preview)).not.toContain("CANARY");

        await saveConfig(prisma, company, save(next, 1, preview.confirmation!), "admin", strict);
        const updated = await prisma.auditEvent.findFirstOrThrow({
          where: { tenantId: tenant.id, action: { startsWith: "config." }, actor: "admin" },
        });
        expect((updated.details as { switch: unknown }).switch).toEqual(want.counts);
        return preview;
      }

      it("Vault: another secret-path-prefix under the same address and mount", async () => {
        const now = await vaultKeys(vaultBases.a);
        const after = await vaultKeys(vaultBases.b);
        // The folders hold what was seeded: three keys now, two after, one of them shared.
        expect([...now].sort()).toEqual(["API_TOKEN", "DB_PASSWORD", "SHARED"]);
        expect([...after].sort()).toEqual(["EXTRA", "SHARED"]);
        const preview = await editAndCheck(vaultDoc(vaultBases.a), vaultDoc(vaultBases.b), now, after);
        expect(preview.counts).toEqual({ current: 3, kept: 1, missing: 2, added: 1 });
        expect(preview.changes).toEqual(["secret path prefix"]);
      });

      it("AWS: another marker prefix at the same endpoint and region", async () => {
        const now = await awsKeys(awsPrefixes.a);
        const after = await awsKeys(awsPrefixes.b);
        expect([...now].sort()).toEqual(["API_TOKEN", "DB_PASSWORD", "SHARED"]);
        expect([...after].sort()).toEqual(["EXTRA", "MORE", "SHARED"]);
        const preview = await editAndCheck(awsDoc(awsPrefixes.a), awsDoc(awsPrefixes.b), now, after);
        expect(preview.counts).toEqual({ current: 3, kept: 1, missing: 2, added: 2 });
        expect(preview.changes).toEqual(["prefix"]);
      });

      it("a credential-only edit (a new Vault token, a rotated AWS key) is no switch", async () => {
        const token = (await root().write("auth/token/create", { policies: ["root"], ttl: "1h" })) as {
          auth: { client_token: string };
        };
        const cases: [unknown, unknown][] = [
          [vaultDoc(vaultBases.a), vaultDoc(vaultBases.a, token.auth.client_token)],
          [awsDoc(awsPrefixes.a), awsDoc(awsPrefixes.a, { id: "AKIAROTATED0000000001", secret: "rotated-secret" })],
        ];
        for (const [first, next] of cases) {
          await prisma.secretsManagerConfig.deleteMany();
          await configure(first);
          const preview = await previewOf(next);
          expect(preview).toMatchObject({ switching: false, confirmation: null, counts: { current: 0 }, changes: [] });
          await expect(saveConfig(prisma, company, save(next, 1), "admin", strict)).resolves.toMatchObject({
            version: 2,
          });
        }
      });
    });
  }
});
