// Google Secret Manager's age, rotation and expiry in the secrets index, on a private gcp-sm-fake started with -v (it
// logs every call, so the test counts them): ListSecrets tells the rotation schedule, the expire time and the creation
// time; the latest version and its creation time are read on demand (Show subkeys) with GetSecretVersion, metadata
// only, never AccessSecretVersion while listing; a rescan carries it. "Last changed" is the latest version's creation
// time once known.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { protos } from "@google-cloud/secret-manager";
import type { Attachment } from "../../../lib/backends/adapter";
import { createBackend } from "../../../lib/backends/registry";
import type { PrismaClient } from "../../../lib/db/generated/client";
import { runningScans } from "../../../lib/secrets/index/freshness";
import { listNamespaceSecrets, type NamespaceSecretsQuery } from "../../../lib/secrets/namespace-secrets";
import { showSubkeys } from "../../../lib/secrets/secret-lookup";
import { parseDoc } from "../../support/backends/gcp-behaviour";
import { startFake, type FakeInstance } from "../../support/backends/gcp";
import { emulatorsDisabled } from "../../support/emulators";
import { loopbackOnly, type LoopbackOnly } from "../../support/loopback-only";
import { memoryServing } from "../../support/memory-backend";
import { migratedPrisma, TEST_DATABASES } from "../../support/test-db";

const PROJECT = "keyhold-test";
const TENANT: Attachment = { tenant: "acme", namespace: null };
const DAY = 86_400_000;
const TOPIC = `projects/${PROJECT}/topics/rotations`;
let tenants = 0;
const newTenant = () => ({ id: `gcp-life-${process.pid}-${++tenants}`, slug: "acme" });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const idle = () => Promise.all(runningScans());

type Timestamp = protos.google.protobuf.ITimestamp | null | undefined;
/** A protobuf timestamp as the index keeps it: milliseconds (timestamp(3)), ISO. */
const iso = (t: Timestamp) =>
  new Date(Number(t?.seconds ?? 0) * 1000 + Math.floor(Number(t?.nanos ?? 0) / 1e6)).toISOString();

describe.skipIf(emulatorsDisabled)("google-secret-manager lifecycle on gcp-sm-fake", () => {
  let guard: LoopbackOnly;
  const fakes: FakeInstance[] = [];
  const rotateAt = new Date(Math.floor((Date.now() + 20 * DAY) / 1000) * 1000);
  const expireAt = new Date(Math.floor((Date.now() + 10 * DAY) / 1000) * 1000);
  const secretName = (id: string) => `projects/${PROJECT}/secrets/${id}`;
  // Upper-case keys are not label values: as a GCP user would, the key goes in an annotation.
  const tagsOf = (key: string) => ({ labels: { namespace: "company", prefix: "kestra" }, annotations: { key } });

  /** A private fake holding ROTATED (rotation, expiry, one JSON version) and then PLAIN (one version). */
  async function seededFake(): Promise<FakeInstance> {
    const fake = await startFake(["-v"]);
    fakes.push(fake);
    await fake.client.createSecret({
      parent: `projects/${PROJECT}`,
      secretId: "rotated",
      secret: {
        replication: { automatic: {} },
        ...tagsOf("ROTATED"),
        topics: [{ name: TOPIC }],
        rotation: {
          nextRotationTime: { seconds: rotateAt.getTime() / 1000 },
          rotationPeriod: { seconds: 30 * 86_400 },
        },
        expireTime: { seconds: expireAt.getTime() / 1000 },
      },
    });
    await fake.client.addSecretVersion({
      parent: secretName("rotated"),
      payload: { data: Buffer.from(JSON.stringify({ user: "ops", password: "CANARY-g1" })) },
    });
    // Before any expand, PLAIN is the more recently changed one.
    await pause(20);
    await fake.client.createSecret({
      parent: `projects/${PROJECT}`,
      secretId: "plain",
      secret: { replication: { automatic: {} }, ...tagsOf("PLAIN") },
    });
    await fake.client.addSecretVersion({ parent: secretName("plain"), payload: { data: Buffer.from("CANARY-g2") } });
    return fake;
  }

  beforeAll(() => {
    guard = loopbackOnly();
  });

  afterAll(async () => {
    await idle();
    for (const fake of fakes) await fake.stop();
    guard?.restore();
    expect(guard.refused).toEqual([]);
  });

  it("the fake refuses a rotation schedule the service refuses: no topic, too soon, a period without a time", async () => {
    const fake = await seededFake();
    const create = (id: string, secret: protos.google.cloud.secretmanager.v1.ISecret) =>
      fake.client
        .createSecret({
          parent: `projects/${PROJECT}`,
          secretId: id,
          secret: { replication: { automatic: {} }, ...secret },
        })
        .then(
          () => null,
          (e: { code?: number; details?: string }) => ({ code: e.code, details: e.details }),
        );
    const later = { seconds: Math.floor((Date.now() + DAY) / 1000) };
    expect(await create("no-topic", { rotation: { nextRotationTime: later } })).toMatchObject({ code: 3 });
    expect(
      await create("too-soon", {
        topics: [{ name: TOPIC }],
        rotation: { nextRotationTime: { seconds: Math.floor(Date.now() / 1000) + 60 } },
      }),
    ).toMatchObject({ code: 3 });
    expect(
      await create("period-only", { topics: [{ name: TOPIC }], rotation: { rotationPeriod: { seconds: 86_400 } } }),
    ).toMatchObject({ code: 3 });
    expect(
      await create("short-period", {
        topics: [{ name: TOPIC }],
        rotation: { nextRotationTime: later, rotationPeriod: { seconds: 600 } },
      }),
    ).toMatchObject({ code: 3 });
    expect(await create("bad-topic", { topics: [{ name: "rotations" }] })).toMatchObject({ code: 3 });
    const [list] = await fake.client.listSecrets({ parent: `projects/${PROJECT}` });
    expect(list.map((s) => String(s.name).split("/").pop()).sort()).toEqual(["plain", "rotated"]);
  });

  for (const { kind, available } of TEST_DATABASES) {
    describe.skipIf(!available)(`on ${kind}`, () => {
      const database = migratedPrisma(kind, available);
      let prisma: PrismaClient;
      let fake: FakeInstance;
      beforeAll(async () => {
        fake = await seededFake();
        prisma = database.get();
      });
      // Before the database goes (after-hooks run last registered first): the scans a list started.
      afterAll(idle);

      it("rotation and expiry from ListSecrets; the latest version and its time kept after Show subkeys; 'last changed' follows it", async () => {
        const backend = createBackend({
          document: parseDoc({ project: PROJECT, "endpoint-override": `http://127.0.0.1:${fake.port}` }, true),
          attachment: TENANT,
        });
        const serving = memoryServing({ namespaces: ["company"], backends: { "": backend } });
        const tenant = newTenant();
        const view = (q: NamespaceSecretsQuery = {}, refresh = false) =>
          listNamespaceSecrets(prisma, tenant, "company", { ...q, refresh }, serving);
        const calls = () => {
          const n = (m: string) => fake.calls.filter((c) => c === m).length;
          return { access: n("AccessSecretVersion"), get: n("GetSecretVersion") };
        };
        const before = calls();
        // The test's own GetSecretVersion calls (to learn the versions' times) are not Keyhold's.
        let own = 0;
        const since = () => ({ access: calls().access - before.access, get: calls().get - before.get - own });
        const versionTime = async (n: number) => {
          own++;
          const [v] = await fake.client.getSecretVersion({ name: `${secretName("rotated")}/versions/${n}` });
          return iso(v.createTime);
        };
        const [rotated] = await fake.client.getSecret({ name: secretName("rotated") });
        const [plain] = await fake.client.getSecret({ name: secretName("plain") });

        const first = await view({ sort: "updated", dir: "desc" }, true);
        expect(first.errors).toEqual([]);
        expect(first.rows.map((r) => r.key)).toEqual(["PLAIN", "ROTATED"]);
        const row = first.rows.find((r) => r.key === "ROTATED")!;
        expect(row.lifecycle).toEqual({
          enabled: null,
          expiresAt: expireAt.toISOString(),
          notBefore: null,
          lastRotatedAt: null,
          nextRotationAt: rotateAt.toISOString(),
          version: null,
          versionCreatedAt: null,
        });
        // Before any expand, "last changed" is the secret's creation time.
        expect(row.updatedAt).toBe(iso(rotated.createTime));
        expect(first.rows.find((r) => r.key === "PLAIN")!.updatedAt).toBe(iso(plain.createTime));
        expect(first.rows.find((r) => r.key === "PLAIN")!.lifecycle.nextRotationAt).toBeNull();
        await view({ filter: "expiring" });
        // Listing reads no value and no version.
        expect(since()).toEqual({ access: 0, get: 0 });

        // Show subkeys: one GetSecretVersion (metadata) and one AccessSecretVersion (the value, on the server).
        const shownFirst = await showSubkeys(prisma, tenant, "company", "ROTATED", serving);
        expect(since()).toEqual({ access: 1, get: 1 });
        const v1 = await versionTime(1);
        // The answer carries the version too, so the row shows it at once (components/secrets/secrets-table.tsx).
        expect(shownFirst).toEqual({
          namespace: "company",
          subkeys: ["password", "user"],
          latest: { version: "1", createdAt: v1 },
        });
        const second = await view({ sort: "updated", dir: "desc" });
        const shown = second.rows.find((r) => r.key === "ROTATED")!;
        expect(shown.lifecycle).toMatchObject({ version: "1", versionCreatedAt: v1 });
        expect(shown.subkeys).toEqual(["password", "user"]);
        // ROTATED's first version is older than PLAIN: the order is unchanged.
        expect(shown.updatedAt).toBe(v1);
        expect(second.rows.map((r) => r.key)).toEqual(["PLAIN", "ROTATED"]);
        expect(since()).toEqual({ access: 1, get: 1 });

        // A new version in Google Cloud: the next Show subkeys tells it, and the row now changed last.
        await pause(20);
        await fake.client.addSecretVersion({
          parent: secretName("rotated"),
          payload: { data: Buffer.from(JSON.stringify({ user: "ops", password: "CANARY-g3", host: "db" })) },
        });
        const shownSecond = await showSubkeys(prisma, tenant, "company", "ROTATED", serving);
        expect(since()).toEqual({ access: 2, get: 2 });
        const v2 = await versionTime(2);
        expect(shownSecond).toMatchObject({
          subkeys: ["host", "password", "user"],
          latest: { version: "2", createdAt: v2 },
        });
        const third = await view({ sort: "updated", dir: "desc" });
        const newest = third.rows.find((r) => r.key === "ROTATED")!;
        expect(newest.lifecycle).toMatchObject({
          version: "2",
          versionCreatedAt: v2,
          nextRotationAt: rotateAt.toISOString(),
          expiresAt: expireAt.toISOString(),
        });
        expect(newest.updatedAt).toBe(v2);
        expect(third.rows.map((r) => r.key)).toEqual(["ROTATED", "PLAIN"]);
        expect((await view({ sort: "updated", dir: "asc" })).rows.map((r) => r.key)).toEqual(["PLAIN", "ROTATED"]);
        // Nothing changed 90 days ago; expiring within 30 days: ROTATED only.
        expect((await view({ filter: "stale" })).rows).toEqual([]);
        expect((await view({ filter: "expiring" })).rows.map((r) => r.key)).toEqual(["ROTATED"]);
        expect(since()).toEqual({ access: 2, get: 2 });

        // A rescan (Refresh) cannot tell versions: the one read on demand is carried into the new generation.
        const rescanned = await view({ sort: "updated", dir: "desc" }, true);
        expect(rescanned.rows.map((r) => [r.key, r.lifecycle.version, r.updatedAt])).toEqual([
          ["ROTATED", "2", v2],
          ["PLAIN", null, iso(plain.createTime)],
        ]);
        expect(rescanned.rows[0].lifecycle.nextRotationAt).toBe(rotateAt.toISOString());
        expect(since()).toEqual({ access: 2, get: 2 });
        expect(JSON.stringify([first, second, third, rescanned])).not.toContain("CANARY");
      });

      it("a disabled latest version: Show subkeys fails as before but keeps the version; a secret created again does not inherit it", async () => {
        const backend = createBackend({
          document: parseDoc({ project: PROJECT, "endpoint-override": `http://127.0.0.1:${fake.port}` }, true),
          attachment: TENANT,
        });
        const serving = memoryServing({ namespaces: ["company"], backends: { "": backend } });
        const tenant = newTenant();
        await fake.client.addSecretVersion({
          parent: secretName("plain"),
          payload: { data: Buffer.from("CANARY-g4") },
        });
        await fake.client.disableSecretVersion({ name: `${secretName("plain")}/versions/2` });
        try {
          await listNamespaceSecrets(prisma, tenant, "company", { refresh: true }, serving);
          await expect(showSubkeys(prisma, tenant, "company", "PLAIN", serving)).rejects.toMatchObject({
            code: "not-found",
          });
          const [v2] = await fake.client.getSecretVersion({ name: `${secretName("plain")}/versions/2` });
          const row = (await listNamespaceSecrets(prisma, tenant, "company", {}, serving)).rows.find(
            (r) => r.key === "PLAIN",
          )!;
          expect(row.lifecycle).toMatchObject({ version: "2", versionCreatedAt: iso(v2.createTime) });
          expect(row.updatedAt).toBe(iso(v2.createTime));
          expect(row.subkeys).toBeNull();

          // Deleted and created again in Google Cloud: a rescan does not carry the old secret's version.
          await fake.client.deleteSecret({ name: secretName("plain") });
          await pause(20);
          const [again] = await fake.client.createSecret({
            parent: `projects/${PROJECT}`,
            secretId: "plain",
            secret: { replication: { automatic: {} }, ...tagsOf("PLAIN") },
          });
          await fake.client.addSecretVersion({ parent: again.name, payload: { data: Buffer.from("CANARY-g5") } });
          const fresh = (await listNamespaceSecrets(prisma, tenant, "company", { refresh: true }, serving)).rows.find(
            (r) => r.key === "PLAIN",
          )!;
          expect(fresh.lifecycle).toMatchObject({ version: null, versionCreatedAt: null });
          expect(fresh.updatedAt).toBe(iso(again.createTime));
        } finally {
          await fake.client.enableSecretVersion({ name: `${secretName("plain")}/versions/2` }).catch(() => undefined);
        }
      });
    });
  }
});
