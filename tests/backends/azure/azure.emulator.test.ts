import { SecretClient } from "@azure/keyvault-secrets";
import { readFileSync } from "node:fs";
import path from "node:path";
import { startCountingProxy } from "../../support/counting-proxy";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { Attachment } from "../../../lib/backends/adapter";
import { createBackend as createAdapter } from "../../../lib/backends/registry";
import { listable } from "../../support/scan-list";
import type { BackendErrorCode } from "../../../lib/backends/backend-error";
import { parseConfigDocument, type ConfigDocument } from "../../../lib/backends/document";
import { mapLimit, PageBudget } from "../../../lib/backends/page-budget";
import { emulatorEnv, emulatorsDisabled } from "../../support/emulators";
import { loopbackOnly } from "../../support/loopback-only";
import { runTaggedContract, type TaggedHarness } from "../../support/backends/tagged-contract";
import {
  APP,
  closedPort,
  closeServers,
  azureSeeder,
  baseSection,
  env,
  liveNames,
  registerApp,
  sdk,
  silentPort,
  tokenFor,
  TYPE,
} from "../../support/backends/azure";
import { createAzureDriver } from "../../../lib/backends/azure/driver";
import { azureErrorCode } from "../../../lib/backends/azure/errors";

/** The adapter, with a list computed from its scan (tests/support/scan-list.ts). */
const createBackend = (ctx: Parameters<typeof createAdapter>[0]) => listable(createAdapter(ctx), ctx.attachment);

// No ambient Azure settings may steer the credentials, and nothing may leave 127.0.0.1.
for (const name of [
  "AZURE_CLIENT_ID",
  "AZURE_TENANT_ID",
  "AZURE_CLIENT_SECRET",
  "AZURE_AUTHORITY_HOST",
  "AZURE_FEDERATED_TOKEN_FILE",
  "AZURE_POD_IDENTITY_AUTHORITY_HOST",
  "AZURE_TOKEN_CREDENTIALS",
  "IDENTITY_ENDPOINT",
  "IDENTITY_HEADER",
  "MSI_ENDPOINT",
  "MSI_SECRET",
  "IMDS_ENDPOINT",
]) {
  delete process.env[name];
}
const outside = loopbackOnly().refused;

const TENANT: Attachment = { tenant: "acme", namespace: null };
/** A document as the settings form would post it (validated by the real schema). */
function document(section: Record<string, unknown> = {}, readOnly = false, base = baseSection()): ConfigDocument {
  const raw = { type: TYPE, "read-only": readOnly, [TYPE]: { ...base, ...section } };
  const parsed = parseConfigDocument(raw, { unknownKeys: "error", incomplete: "warn" });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.document;
}

const ref = (namespace: string, key: string) => ({ tenant: "acme", namespace, key });
const tagged = (namespace: string, key: string, extra: Record<string, string> = {}) => ({
  namespace,
  key,
  prefix: "kestra",
  ...extra,
});

// Key Vault names allow no '_': the contract's names (prod_db, prefix prod_) are seeded (the kit's vaultName) and filtered with '-' instead.
const seeder = azureSeeder();
const { inspect } = seeder;
function vaultSection(section: Record<string, unknown>): Record<string, unknown> {
  const fop = section["filter-on-prefix"] as { prefix: string } | undefined;
  return fop ? { ...section, "filter-on-prefix": { ...fop, prefix: fop.prefix.replaceAll("_", "-") } } : section;
}

async function clear() {
  await seeder.clear();
}

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const e = await p.then(
    () => null,
    (error: unknown) => error,
  );
  expect(e, "expected a BackendError").toMatchObject({ name: "BackendError" });
  return e as { code: string; message: string };
}

const captured = (p: Promise<unknown>) =>
  p.then(
    () => expect.fail("expected the SDK call to fail"),
    (error: unknown) => error,
  );

const harness: TaggedHarness = {
  type: TYPE,
  document: (section = {}, readOnly = false) => document(vaultSection(section), readOnly),
  backend: (doc, attachment) => createBackend({ document: doc, attachment }),
  seed: seeder.seed,
  inspect,
  names: liveNames,
  clear,
  bulk: 600,
  async seedMany(items) {
    await mapLimit(items, 16, (i) => sdk().setSecret(i.name, i.value, { tags: i.tags }));
  },
  async counted() {
    const { vaultUrl, caPem } = env();
    const key = readFileSync(path.join(path.dirname(emulatorEnv("KEYHOLD_AZURE_CA_CERT")), "key.pem"), "utf8");
    const proxy = await startCountingProxy(vaultUrl, { cert: caPem, key, ca: caPem });
    return {
      // Sign-in goes to the fake itself (its metadata names its own address); Key Vault calls go through the proxy.
      document: (section = {}, readOnly) => document({ ...section, "key-vault-uri": proxy.url }, readOnly),
      seedMany: (items) => harness.seedMany!(items),
      // getSecret: GET /secrets/{name}[/{version}]; listing is /secrets and /secrets/{name}/versions.
      valueReads: () =>
        proxy.count((r) => r.method === "GET" && /^\/secrets\/[^/?]+(\/(?!versions)[^/?]*)?(\?|$)/.test(r.url)),
      close: proxy.close,
    };
  },
  async failures() {
    const { vaultUrl, tenantId, tokenEndpoint } = env();
    await registerApp("keyhold-locked-app", "the-right-secret");
    await registerApp("keyhold-reader-app", "CANARY-reader-secret", ["get"]);
    const [closed, silent] = [await closedPort(), await silentPort()];
    const cases: [BackendErrorCode, Record<string, unknown>][] = [
      ["unreachable", { "key-vault-uri": `https://127.0.0.1:${closed}` }],
      ["tls", { "ca-certificate": undefined }],
      ["timeout", { "key-vault-uri": `https://127.0.0.1:${silent}` }],
      [
        "unauthenticated",
        { clientSecret: { tenantId, clientId: "keyhold-locked-app", clientSecret: "CANARY-wrong-secret" } },
      ],
      [
        "forbidden",
        { clientSecret: { tenantId, clientId: "keyhold-reader-app", clientSecret: "CANARY-reader-secret" } },
      ],
      ["not-found", { "key-vault-uri": `${vaultUrl}/no-such-vault` }],
      // The vault's challenge names tenant 0000…; a credential for another tenant may not follow it.
      ["invalid-config", { clientSecret: { ...APP, tenantId: "11111111-2222-3333-4444-555555555555" } }],
      ["invalid-config", { "disable-challenge-resource-verification": false }],
      ["unreachable", { "authority-host": `https://127.0.0.1:${closed}` }],
      // TLS to the plain-HTTP IMDS port of the fake.
      ["tls", { "authority-host": tokenEndpoint.replace(/^http:/, "https:") }],
      ["timeout", { "authority-host": `https://127.0.0.1:${silent}` }],
    ];
    return cases.map(([code, section]) => ({ code, document: document(section, true) }));
  },
};

describe.skipIf(emulatorsDisabled)("azure-key-vault on the Key Vault fake", () => {
  afterAll(() => {
    closeServers();
    expect(outside, "connections attempted outside 127.0.0.1").toEqual([]);
  });

  runTaggedContract(harness);

  describe("azure-key-vault: specifics", () => {
    beforeEach(clear);
    const managed = (section: Record<string, unknown> = {}) =>
      createBackend({ document: document(section, false), attachment: TENANT });

    it("verify names the vault and the identity it signed in as", async () => {
      const result = await managed().verify();
      expect(result.checked).toBe(
        `listed the secrets of Key Vault ${env().vaultUrl} with the client secret of app ${APP.clientId} (tenant ${env().tenantId})`,
      );
    });

    it("failure messages say which part failed and which setting to look at", async () => {
      await registerApp("keyhold-reader-app", "reader-secret", ["get"]);
      const closed = await closedPort();
      const message = async (section: Record<string, unknown>) =>
        (await failure(createBackend({ document: document(section, true), attachment: TENANT }).verify())).message;
      expect(await message({ "authority-host": `https://127.0.0.1:${closed}` })).toContain(
        `Microsoft Entra ID at https://127.0.0.1:${closed} did not answer the token request: connect ECONNREFUSED`,
      );
      expect(await message({ clientSecret: { ...APP, tenantId: "11111111-2222-3333-4444-555555555555" } })).toContain(
        `the vault belongs to directory (tenant) ${env().tenantId}, but clientSecret.tenantId is 11111111-2222-3333-4444-555555555555`,
      );
      expect(await message({ "disable-challenge-resource-verification": false })).toMatch(
        /challenge is for 'vault\.azure\.net'.*disable-challenge-resource-verification/,
      );
      expect(
        await message({
          clientSecret: { tenantId: env().tenantId, clientId: "keyhold-reader-app", clientSecret: "reader-secret" },
        }),
      ).toMatch(/HTTP 403 Forbidden: the identity needs the secrets list permission/);
    });

    it("writes names of letters, digits and dashes only, at most 127 long, unique despite case-insensitive names", async () => {
      const backend = managed();
      const keys = ["db/password.v2", "K".repeat(200), "Api", "api"];
      for (const [i, key] of keys.entries()) await backend.write({ ...ref("company.team_x", key), value: `v${i}` });
      const names = await liveNames();
      expect(names).toHaveLength(4);
      for (const name of names) expect(name).toMatch(/^[0-9a-zA-Z-]{1,127}$/);
      expect(names.some((n) => n.startsWith("kestra-acme-company-team-x-db-password-v2-"))).toBe(true);
      for (const [i, key] of keys.entries()) expect(await backend.read(ref("company.team_x", key))).toBe(`v${i}`);
    });

    it("never overwrites an unselected secret that holds the name Keyhold would write", async () => {
      const driver = createAzureDriver({ document: document({}, false), attachment: TENANT });
      const name = driver.nameFor({ prefix: "kestra", tenant: "acme", namespace: "company", key: "DB" });
      await harness.seed(name, "someone else's", { owner: "ops" });
      const e = await failure(managed().write({ ...ref("company", "DB"), value: "mine" }));
      expect(e.code).toBe("conflict");
      expect(await inspect(name)).toEqual({ value: "someone else's", tags: { owner: "ops" }, description: null });
    });

    it("keeps the description in the content type, never among the tags, and carries both over to a new value", async () => {
      const backend = managed();
      await backend.write({
        ...ref("company", "DB"),
        value: "one",
        description: "primary database",
        tags: { env: "prod" },
      });
      const [name] = await liveNames();
      let stored = await sdk().getSecret(name);
      expect(stored.properties.contentType).toBe("primary database");
      expect(Object.keys(stored.properties.tags ?? {}).sort()).toEqual(["env", "key", "namespace", "prefix", "tenant"]);

      await backend.update({ ...ref("company", "DB"), value: "two" });
      stored = await sdk().getSecret(name);
      expect(stored.value).toBe("two");
      expect(stored.properties).toMatchObject({ contentType: "primary database", tags: { env: "prod", key: "DB" } });

      await backend.update({ ...ref("company", "DB"), description: null });
      expect((await inspect(name))?.description).toBeNull();
      const item = (await backend.list({ tenant: "acme", namespace: "company" })).items[0];
      expect(item).toMatchObject({ key: "DB", description: null });
      expect(item.tags).not.toHaveProperty("description");
    });

    it("lists disabled secrets but refuses their values", async () => {
      await harness.seed("off", JSON.stringify({ A: "1" }), tagged("company", "OFF"));
      const props = (await sdk().getSecret("off")).properties;
      await sdk().updateSecretProperties("off", props.version!, { enabled: false });
      const backend = createBackend({ document: document({}, true), attachment: TENANT });
      const page = await backend.list({ tenant: "acme", namespace: "company" });
      expect(page.items.map((s) => [s.key, s.subkeys])).toEqual([["OFF", null]]);
      const e = await failure(backend.read(ref("company", "OFF")));
      expect(e.code).toBe("forbidden");
      expect(e.message).toMatch(/disabled secret/);
    });

    it("refuses more than 15 tags before calling Key Vault, as Key Vault would", async () => {
      const defaults = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`t${i}`, "x"]));
      const e = await failure(
        managed({ tags: defaults }).write({ ...ref("company", "MANY"), value: "v", tags: { a: "1", b: "2" } }),
      );
      expect(e.code).toBe("invalid-input");
      expect(e.message).toMatch(/at most 15 tags.*16/);
      expect(await liveNames()).toEqual([]);
      const direct = await captured(
        sdk().setSecret("many", "v", { tags: { ...defaults, a: "1", b: "2", c: "3", d: "4", e: "5", f: "6" } }),
      );
      expect(azureErrorCode(direct)).toBe("invalid-input");
    });

    it("follows continuation links and spends the page budget once per page", async () => {
      await harness.seedMany!(Array.from({ length: 60 }, (_, i) => ({ name: `page-${i}`, value: "v", tags: {} })));
      const driver = createAzureDriver({ document: document({}, true), attachment: TENANT });
      const signal = new AbortController().signal;
      const pages: number[] = [];
      for await (const page of driver.scan(signal, new PageBudget("test", 3))) pages.push(page.length);
      expect(pages).toEqual([25, 25, 10]);
      const tooMany = async () => {
        for await (const _ of driver.scan(signal, new PageBudget("test", 2))) void _;
      };
      await expect(tooMany()).rejects.toMatchObject({ code: "too-many-secrets" });
    });

    it("maps the errors Key Vault really returns", async () => {
      expect(azureErrorCode(await captured(sdk().getSecret("missing")))).toBe("not-found");
      await sdk().setSecret("held", "v");
      await (await sdk().beginDeleteSecret("held")).pollUntilDone();
      expect(azureErrorCode(await captured(sdk().setSecret("held", "w")))).toBe("conflict");
      await sdk().setSecret("off", "v", { enabled: false });
      expect(azureErrorCode(await captured(sdk().getSecret("off")))).toBe("forbidden");
      const wrongAudience = await tokenFor("https://storage.azure.com/.default");
      const other = new SecretClient(
        env().vaultUrl,
        { getToken: async () => ({ token: wrongAudience, expiresOnTimestamp: Date.now() + 60_000 }) },
        {
          disableChallengeResourceVerification: true,
          tlsOptions: { ca: env().caPem },
        },
      );
      const unauthorized = await captured(other.getSecret("held"));
      expect(unauthorized).toMatchObject({ statusCode: 401 });
      expect(azureErrorCode(unauthorized)).toBe("unauthenticated");
    });

    it("signs in with DefaultAzureCredential (managed identity) when no client secret is given", async () => {
      process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = env().tokenEndpoint;
      try {
        const backend = createBackend({ document: document({ clientSecret: undefined }, true), attachment: TENANT });
        await harness.seed("mi", "by managed identity", tagged("company", "MI"));
        expect((await backend.verify()).checked).toMatch(/with DefaultAzureCredential$/);
        expect(await backend.read(ref("company", "MI"))).toBe("by managed identity");
      } finally {
        delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
      }
    });
  });
});
