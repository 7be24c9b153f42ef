import net from "node:net";
import { startCountingProxy } from "../../support/counting-proxy";
import { CreateSecretCommand, DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { Attachment } from "../../../lib/backends/adapter";
import { createBackend as createAdapter } from "../../../lib/backends/registry";
import { listable } from "../../support/scan-list";
import type { BackendErrorCode } from "../../../lib/backends/backend-error";
import { parseConfigDocument, type ConfigDocument } from "../../../lib/backends/document";
import { mapLimit } from "../../../lib/backends/page-budget";
import { emulatorsDisabled } from "../../support/emulators";
import { awsEnv, awsSdk, awsSeeder, closeAwsSdk, tagList } from "../../support/backends/aws";
import { runTaggedContract, type TaggedHarness } from "../../support/backends/tagged-contract";
import { runIndexOnMoto } from "../../support/backends/aws-index";
import { freePort, startMotoIam, type Keys, type MotoIam } from "../../support/backends/aws-iam-server";

/** The adapter, with a list computed from its scan (tests/support/scan-list.ts). */
const createBackend = (ctx: Parameters<typeof createAdapter>[0]) => listable(createAdapter(ctx), ctx.attachment);

// No ambient AWS settings may leak in, and the default chain must never reach for instance metadata.
for (const name of [
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_PROFILE",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
])
  delete process.env[name];
process.env.AWS_EC2_METADATA_DISABLED = "true";
process.env.AWS_CONFIG_FILE = "/nonexistent/keyhold-aws-config";
process.env.AWS_SHARED_CREDENTIALS_FILE = "/nonexistent/keyhold-aws-credentials";

const TYPE = "aws-secret-manager" as const;
const TENANT: Attachment = { tenant: "acme", namespace: null };
const env = awsEnv;
const sdk = awsSdk;
const seeder = awsSeeder();

/** A document as the settings form would post it (validated), on moto unless `section` says otherwise. */
function document(
  section: Record<string, unknown> = {},
  readOnly = false,
  base: Record<string, unknown> = {},
): ConfigDocument {
  const { endpoint, region, accessKeyId, secretAccessKey } = env();
  const raw = {
    type: TYPE,
    "read-only": readOnly,
    [TYPE]: {
      region,
      "endpoint-override": endpoint,
      "access-key-id": accessKeyId,
      "secret-key-id": secretAccessKey,
      ...base,
      ...section,
    },
  };
  const parsed = parseConfigDocument(raw, { unknownKeys: "error", incomplete: "warn" });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.document;
}

const keysOf = (k: Keys) => ({
  "access-key-id": k.accessKeyId,
  "secret-key-id": k.secretAccessKey,
  ...(k.sessionToken ? { "session-token": k.sessionToken } : {}),
});
const { names, inspect } = seeder;

let iam: Promise<MotoIam> | undefined;
const motoIam = () => (iam ??= startMotoIam());
const servers: net.Server[] = [];

/** A TCP server that accepts connections and never answers. */
async function silentServer(): Promise<number> {
  const server = net.createServer(() => {}).listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  servers.push(server);
  return (server.address() as net.AddressInfo).port;
}

afterAll(async () => {
  for (const s of servers) s.close();
  if (iam) await (await iam).stop();
  closeAwsSdk();
});

const harness: TaggedHarness = {
  type: TYPE,
  document: (section, readOnly) => document(section, readOnly),
  backend: (doc, attachment) => createBackend({ document: doc, attachment }),
  seed: seeder.seed,
  inspect,
  names,
  async clear() {
    await seeder.clear();
    // Lists are kept for a few seconds; what the emulator no longer holds must not be served from them.
  },
  async failures() {
    const moto = await motoIam();
    const cases: { code: BackendErrorCode; document: ConfigDocument }[] = [
      { code: "unreachable", document: document({ "endpoint-override": `http://127.0.0.1:${await freePort()}` }) },
      { code: "timeout", document: document({ "endpoint-override": `http://127.0.0.1:${await silentServer()}` }) },
      { code: "tls", document: document({ "endpoint-override": env().endpoint.replace(/^http:/, "https:") }) },
      { code: "invalid-config", document: document({ region: undefined }) },
      {
        code: "unauthenticated",
        document: document({
          "endpoint-override": moto.endpoint,
          "access-key-id": "AKIACANARYUNKNOWN",
          "secret-key-id": "CANARY_unknown_secret",
        }),
      },
      {
        code: "unauthenticated",
        document: document({
          "endpoint-override": moto.endpoint,
          ...keysOf({ ...moto.reader, secretAccessKey: "CANARY_wrong_secret" }),
        }),
      },
      {
        code: "unauthenticated",
        document: document({
          "endpoint-override": moto.endpoint,
          ...keysOf({ ...moto.session, sessionToken: "CANARY_wrong_session_token" }),
        }),
      },
      { code: "forbidden", document: document({ "endpoint-override": moto.endpoint, ...keysOf(moto.nobody) }) },
    ];
    return cases;
  },
  bulk: 1500,
  async seedMany(items) {
    await mapLimit(items, 16, (item) => harness.seed(item.name, item.value, item.tags));
  },
  async counted() {
    const proxy = await startCountingProxy(env().endpoint);
    return {
      document: (section = {}, readOnly) => document({ ...section, "endpoint-override": proxy.url }, readOnly),
      seedMany: (items) => harness.seedMany!(items),
      valueReads: () => proxy.count((r) => /^secretsmanager\.(Batch)?GetSecretValue$/.test(r.target ?? "")),
      close: proxy.close,
    };
  },
};

describe.skipIf(emulatorsDisabled)("aws-secret-manager on moto", () => {
  runTaggedContract(harness);
  runIndexOnMoto();

  describe("aws-secret-manager: specifics", () => {
    beforeEach(() => harness.clear());
    const ref = { tenant: "acme", namespace: "company.team", key: "API_KEY" };

    it("names written secrets like paths and sets exactly the new tags on update", async () => {
      const backend = createBackend({ document: document({ tags: { owner: "platform" } }), attachment: TENANT });
      await backend.write({ ...ref, value: "v1", tags: { env: "prod", team: "core" } });
      expect(await names()).toEqual(["kestra/acme/company.team/API_KEY"]);
      await backend.update({ ...ref, tags: { env: "staging" } });
      expect((await inspect("kestra/acme/company.team/API_KEY"))?.tags).toEqual({
        tenant: "acme",
        namespace: "company.team",
        key: "API_KEY",
        prefix: "kestra",
        owner: "platform",
        env: "staging",
      });
    });

    it("deletes with a recovery window, and a deleted key can be written again at once", async () => {
      const backend = createBackend({ document: document(), attachment: TENANT });
      await backend.write({ ...ref, value: "old", description: "old words", tags: { gone: "yes" } });
      await backend.delete(ref);
      const deleted = await sdk().send(new DescribeSecretCommand({ SecretId: "kestra/acme/company.team/API_KEY" }));
      const days = (deleted.DeletedDate!.getTime() - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(6.9);
      expect(days).toBeLessThan(7.1);
      expect(await names()).toEqual([]);

      await backend.write({ ...ref, value: "new", description: "new words", tags: { env: "dev" } });
      expect(await inspect("kestra/acme/company.team/API_KEY")).toEqual({
        value: "new",
        description: "new words",
        tags: { tenant: "acme", namespace: "company.team", key: "API_KEY", prefix: "kestra", env: "dev" },
      });
      expect(await backend.read(ref)).toBe("new");
    });

    it("reading a binary-only secret fails clearly; listing it still works", async () => {
      await sdk().send(
        new CreateSecretCommand({
          Name: "bin",
          SecretBinary: new Uint8Array([0, 1, 2]),
          Tags: tagList({ namespace: "company", key: "BIN", prefix: "kestra" }),
        }),
      );
      const backend = createBackend({ document: document({}, true), attachment: TENANT });
      expect(
        (await backend.list({ tenant: "acme", namespace: "company" })).items.map((s) => [s.key, s.subkeys]),
      ).toEqual([["BIN", null]]);
      await expect(backend.read({ tenant: "acme", namespace: "company", key: "BIN" })).rejects.toMatchObject({
        code: "invalid-input",
        message: expect.stringMatching(/binary/),
      });
    });

    it("filter-on-prefix and filter-on-tags narrow on AWS and are still checked exactly", async () => {
      await harness.seed("prod/a", "1", { namespace: "company", application: "web" });
      await harness.seed("prod/b", "2", { namespace: "company", application: "web-2" });
      await harness.seed("Prod/c", "3", { namespace: "company", application: "web" });
      await harness.seed("dev/d", "4", { namespace: "company", application: "web" });
      const backend = createBackend({
        document: document(
          { "filter-on-prefix": { prefix: "prod/" }, "filter-on-tags": { tags: { application: "web" } } },
          true,
        ),
        attachment: TENANT,
      });
      const page = await backend.list({ tenant: "acme", namespace: "company" });
      expect(page.items.map((s) => s.key)).toEqual(["a"]);
      // AWS's case-sensitive prefix filters already dropped Prod/c and dev/d; web-2 came back and was checked here.
      expect(page.ignored).toEqual({ "filtered-by-tags": 1 });
    });

    it("verify says what it checked, and works with a role session's token", async () => {
      expect((await createBackend({ document: document(), attachment: TENANT }).verify()).checked).toBe(
        "listed secrets in us-east-1",
      );
      const moto = await motoIam();
      const result = await createBackend({
        document: document({ "endpoint-override": moto.endpoint, ...keysOf(moto.session) }),
        attachment: TENANT,
      }).verify();
      expect(result).toMatchObject({ status: "ok", checked: "listed secrets in us-east-1" });
    });

    it("without keys in the document, uses the SDK's default provider chain (here: environment variables)", async () => {
      const moto = await motoIam();
      const noKeys = document({
        "endpoint-override": moto.endpoint,
        "access-key-id": undefined,
        "secret-key-id": undefined,
      });
      expect(noKeys[TYPE]?.["access-key-id"] ?? noKeys[TYPE]?.["secret-key-id"]).toBeUndefined();
      process.env.AWS_ACCESS_KEY_ID = moto.reader.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = moto.reader.secretAccessKey;
      try {
        expect((await createBackend({ document: noKeys, attachment: TENANT }).verify()).status).toBe("ok");
      } finally {
        delete process.env.AWS_ACCESS_KEY_ID;
        delete process.env.AWS_SECRET_ACCESS_KEY;
      }
      // Another timeout means another client, with no memoised credentials: now the chain finds none.
      await expect(
        createBackend({ document: noKeys, attachment: TENANT, timeoutMs: 4_000 }).verify(),
      ).rejects.toMatchObject({ code: "unauthenticated" });
    });
  });
});
