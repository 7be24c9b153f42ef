// Age, rotation and expiry in the secrets index, from the emulators' own metadata (never a value): an expiring and a
// disabled Azure secret, an AWS secret with rotation metadata, a Google secret with an expire time and a Vault KV v2
// entry's current version; shown on the rows, selected by the Secrets tab's filters and counted for the overview.
import { setTimeout as sleep } from "node:timers/promises";
import { CreateSecretCommand, PutSecretValueCommand, RotateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Attachment } from "../../lib/backends/adapter";
import { parseConfigDocument } from "../../lib/backends/document";
import { createBackend } from "../../lib/backends/registry";
import type { PrismaClient } from "../../lib/db/generated/client";
import { migrate } from "../../lib/db/migrator";
import { runningScans } from "../../lib/secrets/index/freshness";
import { namespaceLifecycleCounts } from "../../lib/secrets/lifecycle-overview";
import { listNamespaceSecrets } from "../../lib/secrets/namespace-secrets";
import { awsEnv, awsSdk, closeAwsSdk, tagList } from "../support/backends/aws";
import { baseSection as azureSection, sdk as azureSdk } from "../support/backends/azure";
import { sdkClient } from "../support/backends/gcp";
import {
  document as vaultDocument,
  guardLoopback,
  seed as vaultSeed,
  targets,
  uniqueBase,
} from "../support/backends/vault";
import { emulatorEnv, emulatorsDisabled } from "../support/emulators";
import { memoryServing } from "../support/memory-backend";
import { createTestDatabase, TEST_DATABASES, type TestDatabase } from "../support/test-db";

guardLoopback();

const TENANT: Attachment = { tenant: "acme", namespace: null };
const DAY = 86_400_000;
// A prefix of this run only: every other secret on the shared emulators is ignored (prefix-mismatch).
const PREFIX = `life${process.pid}x${Date.now().toString(36)}`;
let tenants = 0;
const newTenant = () => ({ id: `life-emu-${process.pid}-${++tenants}`, slug: "acme" });
const tags = (namespace: string, key: string) => ({ namespace, key, prefix: PREFIX });
const idle = () => Promise.all(runningScans());

function doc(type: string, section: Record<string, unknown>) {
  const parsed = parseConfigDocument(
    { type, "read-only": true, [type]: { ...section, prefix: PREFIX } },
    { unknownKeys: "error", incomplete: "warn" },
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.document;
}

const soon = new Date(Date.now() + 10 * DAY);
const later = new Date(Date.now() + 200 * DAY);

describe.skipIf(emulatorsDisabled)("secret lifecycle from the emulators", () => {
  const gcp = () => sdkClient(Number(emulatorEnv("KEYHOLD_GCP_PORT")), emulatorEnv("KEYHOLD_GCP_HOST"));
  let gcpClient: ReturnType<typeof gcp>;

  beforeAll(async () => {
    // Azure: one secret expiring in 10 days, one disabled, one expiring far later, one with nothing.
    const az = azureSdk();
    const name = (k: string) => `${PREFIX}-${k}`;
    await az.setSecret(name("cert"), "CANARY-az-1", { tags: tags("company", "CERT"), expiresOn: soon });
    await az.setSecret(name("old"), "CANARY-az-2", { tags: tags("company", "OLD_TOKEN"), enabled: false });
    await az.setSecret(name("long"), "CANARY-az-3", {
      tags: tags("company", "LONG"),
      expiresOn: later,
      notBefore: new Date(Date.now() - DAY),
    });
    await az.setSecret(name("plain"), "CANARY-az-4", { tags: tags("company", "PLAIN") });
    // AWS: one rotated secret (moto rotates without a Lambda) and two never rotated, changed in this order a second or
    // more apart (moto keeps whole seconds): DB, STATIC, API, then STATIC's value again.
    const aws = awsSdk();
    const create = (name: string, key: string) =>
      aws.send(
        new CreateSecretCommand({
          Name: `${PREFIX}/${name}`,
          SecretString: `CANARY-aws-${name}`,
          Tags: tagList(tags("company", key)),
        }),
      );
    await create("rotated", "DB");
    await aws.send(
      new RotateSecretCommand({
        SecretId: `${PREFIX}/rotated`,
        RotationRules: { AutomaticallyAfterDays: 7 },
        RotateImmediately: true,
      }),
    );
    await sleep(1_100);
    await create("static", "STATIC");
    await sleep(1_100);
    await create("api", "API");
    await sleep(1_100);
    await aws.send(new PutSecretValueCommand({ SecretId: `${PREFIX}/static`, SecretString: "CANARY-aws-static-2" }));
    // Google: one secret with an expire time.
    gcpClient = gcp();
    const project = emulatorEnv("KEYHOLD_GCP_PROJECT_ID");
    const [secret] = await gcpClient.createSecret({
      parent: `projects/${project}`,
      secretId: `${PREFIX}-gexp`,
      secret: {
        replication: { automatic: {} },
        labels: { namespace: "company", key: "gexp", prefix: PREFIX.toLowerCase() },
        expireTime: { seconds: Math.floor(soon.getTime() / 1000) },
      },
    });
    await gcpClient.addSecretVersion({ parent: secret.name, payload: { data: Buffer.from("CANARY-g") } });
  });

  afterAll(async () => {
    await idle();
    closeAwsSdk();
    await gcpClient?.close();
  });

  for (const { kind, available } of TEST_DATABASES) {
    describe.skipIf(!available)(`on ${kind}`, () => {
      let db: TestDatabase;
      let prisma: PrismaClient;
      beforeAll(async () => {
        db = await createTestDatabase(kind);
        await migrate(db.driver);
        const { PrismaClient } = await import("../../lib/db/generated/client");
        prisma = new PrismaClient({ adapter: db.driver.adapter });
      });
      afterAll(async () => {
        await idle();
        await prisma?.$disconnect();
        await db?.drop();
      });

      it("Azure: expiry, not-before and enabled on the rows; the expiring and disabled filters select them", async () => {
        const b = createBackend({ document: doc("azure-key-vault", azureSection()), attachment: TENANT });
        const serving = memoryServing({ namespaces: ["company"], backends: { "": b } });
        const tenant = newTenant();
        const all = await listNamespaceSecrets(prisma, tenant, "company", {}, serving);
        const byKey = Object.fromEntries(all.rows.map((r) => [r.key, r.lifecycle]));
        expect(Object.keys(byKey).sort()).toEqual(["CERT", "LONG", "OLD_TOKEN", "PLAIN"]);
        expect(byKey.CERT.expiresAt).toBe(new Date(Math.floor(soon.getTime() / 1000) * 1000).toISOString());
        expect(byKey.CERT.enabled).toBe(true);
        expect(byKey.OLD_TOKEN.enabled).toBe(false);
        expect(byKey.LONG.notBefore).not.toBeNull();
        expect(byKey.PLAIN.expiresAt).toBeNull();

        const expiring = await listNamespaceSecrets(prisma, tenant, "company", { filter: "expiring" }, serving);
        expect(expiring.rows.map((r) => r.key)).toEqual(["CERT"]);
        expect(expiring.total).toBe(1);
        const disabled = await listNamespaceSecrets(prisma, tenant, "company", { filter: "disabled" }, serving);
        expect(disabled.rows.map((r) => r.key)).toEqual(["OLD_TOKEN"]);
        // Just changed: nothing is stale.
        const stale = await listNamespaceSecrets(prisma, tenant, "company", { filter: "stale" }, serving);
        expect(stale.rows).toEqual([]);

        const counts = await namespaceLifecycleCounts(prisma, tenant, ["company"], serving);
        expect(counts.get("company")).toEqual({ expiring: 1, disabled: 1, stale: 0 });
        expect(JSON.stringify([all, expiring, disabled])).not.toContain("CANARY");
      });

      it("AWS: rotation on the rotated secret only; sorted by last changed; never expiring nor disabled, stale after 90 days", async () => {
        const { endpoint, region, accessKeyId, secretAccessKey } = awsEnv();
        const b = createBackend({
          document: doc("aws-secret-manager", {
            region,
            "endpoint-override": endpoint,
            "access-key-id": accessKeyId,
            "secret-key-id": secretAccessKey,
          }),
          attachment: TENANT,
        });
        const serving = memoryServing({ namespaces: ["company"], backends: { "": b } });
        const tenant = newTenant();
        const list = (query: Parameters<typeof listNamespaceSecrets>[3]) =>
          listNamespaceSecrets(prisma, tenant, "company", query, serving);
        const keys = (l: Awaited<ReturnType<typeof list>>) => l.rows.map((r) => r.key);

        // Last changed, newest first: STATIC's value changed last, API was created after DB (not the key order).
        const desc = await list({ sort: "updated", dir: "desc" });
        expect(keys(desc)).toEqual(["STATIC", "API", "DB"]);
        expect(keys(await list({ sort: "updated", dir: "asc" }))).toEqual(["DB", "API", "STATIC"]);
        expect(keys(await list({}))).toEqual(["API", "DB", "STATIC"]);

        const byKey = Object.fromEntries(desc.rows.map((r) => [r.key, r]));
        const rotated = byKey.DB.lifecycle;
        expect(rotated.lastRotatedAt).not.toBeNull();
        expect(Math.abs(new Date(rotated.lastRotatedAt!).getTime() - Date.now())).toBeLessThan(5 * 60_000);
        expect(new Date(rotated.nextRotationAt!).getTime() - new Date(rotated.lastRotatedAt!).getTime()).toBe(7 * DAY);
        for (const key of ["STATIC", "API"]) {
          expect(byKey[key].lifecycle.lastRotatedAt, key).toBeNull();
          expect(byKey[key].lifecycle.nextRotationAt, key).toBeNull();
        }
        // AWS tells neither an expiry nor an enabled flag: a rotation due in 7 days is not an expiry.
        for (const r of desc.rows)
          expect([r.key, r.lifecycle.expiresAt, r.lifecycle.enabled]).toEqual([r.key, null, null]);
        const changed = Object.fromEntries(desc.rows.map((r) => [r.key, new Date(r.updatedAt!).getTime()]));
        expect(changed.API - changed.DB).toBeGreaterThanOrEqual(1_000);

        for (const filter of ["expiring", "disabled", "stale"] as const) {
          const filtered = await list({ filter, sort: "updated", dir: "desc" });
          expect([filter, keys(filtered), filtered.total]).toEqual([filter, [], 0]);
        }
        expect((await namespaceLifecycleCounts(prisma, tenant, ["company"], serving)).get("company")).toEqual({
          expiring: 0,
          disabled: 0,
          stale: 0,
        });

        // Half a second past 90 days after DB last changed, DB alone is "not changed for 90 days"; a day later, all.
        const staleFrom = new Date(changed.DB + 90 * DAY + 500);
        const countsAt = async (now: Date) =>
          (await namespaceLifecycleCounts(prisma, tenant, ["company"], serving, now)).get("company");
        expect(await countsAt(staleFrom)).toEqual({ expiring: 0, disabled: 0, stale: 1 });
        expect(await countsAt(new Date(changed.STATIC + 91 * DAY))).toEqual({ expiring: 0, disabled: 0, stale: 3 });
        vi.useFakeTimers({ toFake: ["Date"] });
        try {
          vi.setSystemTime(staleFrom);
          expect(keys(await list({ filter: "stale" }))).toEqual(["DB"]);
          vi.setSystemTime(new Date(changed.STATIC + 91 * DAY));
          expect(keys(await list({ filter: "stale", sort: "updated", dir: "desc" }))).toEqual(["STATIC", "API", "DB"]);
          expect(keys(await list({ filter: "expiring" }))).toEqual([]);
        } finally {
          vi.useRealTimers();
        }
        expect(JSON.stringify(desc)).not.toContain("CANARY");
      });

      it("Google: the expire time; Vault KV v2: the current version and its creation time", async () => {
        const host = emulatorEnv("KEYHOLD_GCP_HOST");
        const g = createBackend({
          document: doc("google-secret-manager", {
            project: emulatorEnv("KEYHOLD_GCP_PROJECT_ID"),
            "endpoint-override": `http://${host}:${emulatorEnv("KEYHOLD_GCP_PORT")}`,
          }),
          attachment: TENANT,
        });
        const tenant = newTenant();
        const gl = await listNamespaceSecrets(
          prisma,
          tenant,
          "company",
          { filter: "expiring" },
          memoryServing({ namespaces: ["company"], backends: { "": g } }),
        );
        expect(gl.rows.map((r) => [r.key, r.lifecycle.expiresAt])).toEqual([
          ["gexp", new Date(Math.floor(soon.getTime() / 1000) * 1000).toISOString()],
        ]);

        const t = targets()[0];
        const base = uniqueBase("lifecycle");
        await vaultSeed(t, `${base}/db`, { value: "CANARY-v1" });
        await vaultSeed(t, `${base}/db`, { value: "CANARY-v2" });
        const v = createBackend({ document: vaultDocument(t, { "secret-path-prefix": base }), attachment: TENANT });
        const vl = await listNamespaceSecrets(
          prisma,
          newTenant(),
          "company",
          {},
          memoryServing({ namespaces: ["company"], backends: { "": v } }),
        );
        expect(vl.rows.map((r) => [r.key, r.lifecycle.version])).toEqual([["db", "2"]]);
        expect(Math.abs(new Date(vl.rows[0].lifecycle.versionCreatedAt!).getTime() - Date.now())).toBeLessThan(
          5 * 60_000,
        );
        expect(JSON.stringify([gl, vl])).not.toContain("CANARY");
      });
    });
  }
});
