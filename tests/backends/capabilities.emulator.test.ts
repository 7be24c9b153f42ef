// Verify's capability table on the tagged backends: AWS (moto) and Azure (the Key Vault fake) describe and read one
// secret the configuration can see and say "unknown" for write (no side-effect-free check); Google answers write from
// testIamPermissions (the fake's -granted-permissions model), so a read-only configuration whose credential can write
// gets the least-privilege warning, and one whose credential cannot gets none.
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Attachment } from "../../lib/backends/adapter";
import type { CapabilityReport } from "../../lib/backends/capabilities";
import { parseConfigDocument } from "../../lib/backends/document";
import { createBackend } from "../../lib/backends/registry";
import { awsEnv, awsSdk, closeAwsSdk, tagList } from "../support/backends/aws";
import { baseSection as azureSection, sdk as azureSdk } from "../support/backends/azure";
import { startFake, type FakeInstance } from "../support/backends/gcp";
import { emulatorEnv, emulatorsDisabled } from "../support/emulators";
import { loopbackOnly, type LoopbackOnly } from "../support/loopback-only";

const TENANT: Attachment = { tenant: "acme", namespace: null };
const PREFIX = `cap${process.pid}x${Date.now().toString(36)}`;
const tags = (key: string) => ({ namespace: "company", key, prefix: PREFIX });
const outcomes = (r: CapabilityReport | undefined) =>
  Object.fromEntries((r?.rows ?? []).map((row) => [row.operation, row.outcome]));

function doc(type: string, section: Record<string, unknown>, readOnly = true) {
  const parsed = parseConfigDocument(
    { type, "read-only": readOnly, [type]: { ...section, prefix: PREFIX } },
    { unknownKeys: "error", incomplete: "warn" },
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.document;
}

describe.skipIf(emulatorsDisabled)("verify's capability table on the tagged backends", () => {
  let guard: LoopbackOnly;
  const fakes: FakeInstance[] = [];
  beforeAll(() => {
    guard = loopbackOnly();
  });
  afterAll(async () => {
    closeAwsSdk();
    for (const f of fakes) await f.stop();
    guard.restore();
    expect(guard.refused).toEqual([]);
  });

  it("AWS: authenticate, list, describe and read yes; write unknown; the value never in the answer", async () => {
    const { endpoint, region, accessKeyId, secretAccessKey } = awsEnv();
    await awsSdk().send(
      new CreateSecretCommand({ Name: `${PREFIX}/db`, SecretString: "CANARY-aws-cap", Tags: tagList(tags("DB")) }),
    );
    const section = {
      region,
      "endpoint-override": endpoint,
      "access-key-id": accessKeyId,
      "secret-key-id": secretAccessKey,
    };
    const result = await createBackend({ document: doc("aws-secret-manager", section), attachment: TENANT }).verify();
    expect(outcomes(result.capabilities)).toEqual({
      authenticate: "yes",
      list: "yes",
      describe: "yes",
      read: "yes",
      write: "unknown",
    });
    expect(result.capabilities!.rows.find((r) => r.operation === "read")!.detail).toBe(
      "read the value of 'DB' (not shown)",
    );
    expect(result.capabilities!.leastPrivilegePolicy).toBeNull();
    expect(JSON.stringify(result)).not.toContain("CANARY");
  });

  it("Azure: describe lists one secret's versions (metadata), read yes, write unknown", async () => {
    await azureSdk().setSecret(`${PREFIX}-db`, "CANARY-az-cap", { tags: tags("DB") });
    const result = await createBackend({
      document: doc("azure-key-vault", azureSection(), false),
      attachment: TENANT,
    }).verify();
    expect(outcomes(result.capabilities)).toEqual({
      authenticate: "yes",
      list: "yes",
      describe: "yes",
      read: "yes",
      write: "unknown",
    });
    expect(result.capabilities!.rows.find((r) => r.operation === "describe")!.detail).toMatch(/versions/);
    expect(JSON.stringify(result)).not.toContain("CANARY");
  });

  describe("Google, from testIamPermissions", () => {
    const project = () => emulatorEnv("KEYHOLD_GCP_PROJECT_ID");
    async function fakeWith(granted: string[] | null) {
      const fake = await startFake(granted ? ["-granted-permissions", granted.join(",")] : []);
      fakes.push(fake);
      // Seeded past the fake's permission model (its x-keyhold-seed header), as an administrator would.
      const seedOptions = { otherArgs: { headers: { "x-keyhold-seed": "1" } } };
      const [secret] = await fake.client.createSecret(
        {
          parent: `projects/${project()}`,
          secretId: "db",
          secret: { replication: { automatic: {} }, labels: tags("db") },
        },
        seedOptions,
      );
      await fake.client.addSecretVersion(
        { parent: secret.name, payload: { data: Buffer.from("CANARY-g-cap") } },
        seedOptions,
      );
      return (readOnly: boolean) =>
        createBackend({
          document: doc(
            "google-secret-manager",
            { project: project(), "endpoint-override": `http://127.0.0.1:${fake.port}` },
            readOnly,
          ),
          attachment: TENANT,
        }).verify();
    }

    it("a read-only credential: write no, no warning", async () => {
      const verify = await fakeWith([
        "secretmanager.secrets.list",
        "secretmanager.secrets.get",
        "secretmanager.versions.access",
      ]);
      const result = await verify(true);
      expect(outcomes(result.capabilities)).toEqual({
        authenticate: "yes",
        list: "yes",
        describe: "yes",
        read: "yes",
        write: "no",
      });
      expect(result.capabilities!.warnings).toEqual([]);
      expect(JSON.stringify(result)).not.toContain("CANARY");
    });

    it("a list-only credential: describe and read no, the flows warning", async () => {
      const verify = await fakeWith(["secretmanager.secrets.list"]);
      const result = await verify(true);
      expect(outcomes(result.capabilities)).toMatchObject({ list: "yes", describe: "no", read: "no", write: "no" });
      expect(result.capabilities!.warnings.join(" ")).toMatch(/flows that call secret\('KEY'\) would fail/);
    });

    it("a credential that can write, on a read-only configuration: the least-privilege warning and policy", async () => {
      const verify = await fakeWith(null);
      const result = await verify(true);
      expect(outcomes(result.capabilities)).toMatchObject({ read: "yes", write: "yes" });
      expect(result.capabilities!.warnings.join(" ")).toMatch(/read-only, but the credential can write/);
      expect(result.capabilities!.leastPrivilegePolicy).toMatch(/roles\/secretmanager\.secretAccessor/);
      // Managed: writing is what it is for.
      expect((await verify(false)).capabilities!.leastPrivilegePolicy).toBeNull();
    });
  });
});
