// Test-only: the behaviour every tagged backend (AWS, Azure, Google) must show against its emulator.
// Each backend's emulator test calls runTaggedContract with a harness that seeds and inspects the
// backend directly through its SDK, the way a user of that cloud would.
import { beforeEach, describe, expect, it } from "vitest";
import type { Attachment, SecretsBackend } from "../../../lib/backends/adapter";
import type { BackendErrorCode } from "../../../lib/backends/backend-error";
import type { ConfigDocument } from "../../../lib/backends/document";
import { listable } from "../scan-list";
import type { ExternalBackendType } from "../../../lib/backends/descriptors";
import { expectNoValueReadsWhileListing } from "../value-reads";
import type { BackendSeeder } from "./seeder";

/** The emulator with its value reads counted where they are seen: a loopback proxy, or the emulator's own log. */
export interface CountedEmulator {
  /** A document whose backend is reached through the counted endpoint. */
  document(section?: Record<string, unknown>, readOnly?: boolean): ConfigDocument;
  seedMany(items: { name: string; value: string; tags: Record<string, string> }[]): Promise<void>;
  /** GetSecretValue (AWS), getSecret (Key Vault), AccessSecretVersion (Google) requests so far. */
  valueReads(): number;
  close(): Promise<void>;
}

/** A backend on its emulator: seeded and inspected through its kit (BackendSeeder). */
export interface TaggedHarness extends BackendSeeder {
  type: ExternalBackendType;
  /** A document for this backend on its emulator; `section` is merged into the type's section. */
  document(section?: Record<string, unknown>, readOnly?: boolean): ConfigDocument;
  /** The SecretsBackend under test, from the registry. */
  backend(document: ConfigDocument, attachment: Attachment): SecretsBackend;
  /** Documents that make verify fail with the given code. */
  failures(): Promise<{ code: BackendErrorCode; document: ConfigDocument; attachment?: Attachment }[]>;
  /** How many secrets the paging test seeds (0 skips it). */
  bulk: number;
  /** Seeds many secrets fast (defaults to seed one by one). */
  seedMany?(items: { name: string; value: string; tags: Record<string, string> }[]): Promise<void>;
  /** The emulator behind a counter of value reads. */
  counted(): Promise<CountedEmulator>;
}

const TENANT_ATTACHED: Attachment = { tenant: "acme", namespace: null };
const COMPANY: Attachment = { tenant: "acme", namespace: "company" };
const tagged = (namespace: string, key: string, extra: Record<string, string> = {}) => ({
  namespace,
  key,
  prefix: "kestra",
  ...extra,
});

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const e = await p.then(
    () => null,
    (error: unknown) => error,
  );
  expect(e, "expected a BackendError").toMatchObject({ name: "BackendError" });
  return e as { code: string; message: string };
}

export function runTaggedContract(h: TaggedHarness) {
  const open = (document: ConfigDocument, attachment: Attachment) =>
    listable(h.backend(document, attachment), attachment);
  describe(`${h.type}: selection rules`, () => {
    beforeEach(async () => {
      await h.clear();
    });

    it("tag mode: lists by namespace/key/prefix tags and counts what it ignores", async () => {
      await h.seed("aws-name-1", "v1", tagged("company", "DB_PASSWORD", { team: "core" }), "the database");
      await h.seed("aws-name-2", "v2", tagged("company.team", "API_KEY"));
      await h.seed("no-tags", "v3", {});
      await h.seed("no-key", "v4", { namespace: "company", prefix: "kestra" });
      await h.seed("no-namespace", "v5", { key: "X", prefix: "kestra" });
      await h.seed("other-prefix", "v6", tagged("company", "Y", { prefix: "other" }));
      await h.seed("other-tenant", "v7", tagged("company", "Z", { tenant: "globex" }));
      await h.seed("same-tenant", "v8", tagged("company", "OWN", { tenant: "acme" }));
      const backend = open(h.document({}, true), TENANT_ATTACHED);

      const company = await backend.list({ tenant: "acme", namespace: "company" });
      expect(company.items.map((s) => s.key)).toEqual(["DB_PASSWORD", "OWN"]);
      expect(company.items[0]).toMatchObject({ namespace: "company", description: "the database", backend: h.type });
      expect(company.items[0].tags).toMatchObject({ team: "core", key: "DB_PASSWORD" });
      expect(company.total).toBe(2);
      expect(company.ignored).toEqual({
        "missing-prefix-tag": 1,
        "missing-key-tag": 1,
        "missing-namespace-tag": 1,
        "prefix-mismatch": 1,
        "other-tenant": 1,
      });
      expect(JSON.stringify(company)).not.toMatch(/"v[1-8]"/);

      const team = await backend.list({ tenant: "acme", namespace: "company.team" });
      expect(team.items.map((s) => [s.key, s.namespace])).toEqual([["API_KEY", "company.team"]]);
      // The configuration file serves every tenant: there a `tenant` tag decides who sees a secret.
      const shared = open(h.document({}, true), { tenant: null, namespace: null });
      expect((await shared.list({ tenant: "globex", namespace: "company" })).items.map((s) => s.key)).toEqual([
        "DB_PASSWORD",
        "Z",
      ]);
      expect((await shared.list({ tenant: "acme", namespace: "company" })).items.map((s) => s.key)).toEqual([
        "DB_PASSWORD",
        "OWN",
      ]);
    });

    it("filter-on-prefix: keys are names without the prefix unless keep-prefix; untagged secrets belong to the attachment", async () => {
      await h.seed("prod-db", "a");
      await h.seed("prod-api", "b", { namespace: "company.team" });
      await h.seed("dev-cache", "c");
      const strip = open(h.document({ "filter-on-prefix": { prefix: "prod-", "keep-prefix": false } }, true), COMPANY);
      const page = await strip.list({ tenant: "acme", namespace: "company" });
      expect(page.items.map((s) => [s.key, s.namespace])).toEqual([["db", null]]);
      // A backend that filters names in its API never returns dev-cache, so it may not be counted.
      expect(Object.keys(page.ignored).filter((r) => r !== "name-prefix-mismatch")).toEqual([]);
      expect([0, 1]).toContain(page.ignored["name-prefix-mismatch"] ?? 0);
      expect((await strip.list({ tenant: "acme", namespace: "company.team" })).items.map((s) => s.key)).toEqual([
        "api",
      ]);
      expect((await strip.list({ tenant: "acme", namespace: "other" })).items).toEqual([]);
      expect(await strip.read({ tenant: "acme", namespace: "company", key: "db" })).toBe("a");

      const keep = open(h.document({ "filter-on-prefix": { prefix: "prod-", "keep-prefix": true } }, true), COMPANY);
      expect((await keep.list({ tenant: "acme", namespace: "company" })).items.map((s) => s.key)).toEqual(["prod-db"]);
    });

    it("filter-on-tags and excluded-tags match exact pairs, not prefixes", async () => {
      await h.seed("s1", "1", tagged("company", "EXACT", { application: "kestra-production" }));
      await h.seed("s2", "2", tagged("company", "LONGER", { application: "kestra-production-2" }));
      await h.seed("s3", "3", tagged("company", "OTHER_KEY", { applications: "kestra-production" }));
      await h.seed("s4", "4", tagged("company", "EXCLUDED", { application: "kestra-production", env: "dev" }));
      const backend = open(
        h.document(
          {
            "filter-on-tags": { tags: { application: "kestra-production" } },
            "excluded-tags": { tags: { env: "dev" } },
          },
          true,
        ),
        TENANT_ATTACHED,
      );
      const page = await backend.list({ tenant: "acme", namespace: "company" });
      expect(page.items.map((s) => s.key)).toEqual(["EXACT"]);
      expect(page.ignored).toEqual({ "filtered-by-tags": 2, "excluded-by-tags": 1 });
    });

    it("lists without subkeys, tells JSON subkeys on demand, and reads values and subkeys with the exact error sentences", async () => {
      await h.seed("json", JSON.stringify({ API_TOKEN: "abc123", USER: "ops" }), tagged("company", "api"));
      await h.seed("plain", "just text", tagged("company", "plain"));
      const backend = open(h.document({}, true), TENANT_ATTACHED);
      expect(backend.subkeySource).toBe("on-demand");
      const page = await backend.list({ tenant: "acme", namespace: "company" });
      expect(page.items.map((s) => [s.key, s.subkeys])).toEqual([
        ["api", null],
        ["plain", null],
      ]);
      const ref = { tenant: "acme", namespace: "company" };
      expect(await backend.subkeys({ ...ref, key: "api" })).toEqual(["API_TOKEN", "USER"]);
      expect(await backend.subkeys({ ...ref, key: "plain" })).toEqual([]);
      expect((await failure(backend.subkeys({ ...ref, key: "missing" }))).code).toBe("not-found");
      expect(await backend.read({ ...ref, key: "api" }, "API_TOKEN")).toBe("abc123");
      expect(await backend.read({ ...ref, key: "plain" })).toBe("just text");
      expect((await failure(backend.read({ ...ref, key: "api" }, "NOPE"))).message).toBe(
        "Cannot find secret sub-key 'NOPE' in secret 'api'.",
      );
      expect((await failure(backend.read({ ...ref, key: "plain" }, "X"))).message).toBe(
        "Failed to read secret sub-key 'X' in secret 'plain'. Ensure the secret contains valid JSON value.",
      );
      expect((await failure(backend.read({ ...ref, key: "missing" }))).message).toBe(
        "Cannot find secret for key 'missing'.",
      );
    });

    it("searches keys and tags", async () => {
      await h.seed("a", "1", tagged("company", "DB_PASSWORD", { owner: "payments" }));
      await h.seed("b", "2", tagged("company", "API_KEY"));
      const backend = open(h.document({}, true), TENANT_ATTACHED);
      expect(
        (await backend.list({ tenant: "acme", namespace: "company", search: "db_" })).items.map((s) => s.key),
      ).toEqual(["DB_PASSWORD"]);
      expect(
        (await backend.list({ tenant: "acme", namespace: "company", search: "payments" })).items.map((s) => s.key),
      ).toEqual(["DB_PASSWORD"]);
    });
  });

  describe(`${h.type}: writes`, () => {
    beforeEach(async () => {
      await h.clear();
    });

    it("read-only refuses every write before calling the backend, and nothing changes", async () => {
      await h.seed("existing", "keep me", tagged("company", "KEEP"));
      const before = await h.names();
      const backend = open(h.document({}, true), TENANT_ATTACHED);
      const ref = { tenant: "acme", namespace: "company", key: "KEEP" };
      for (const attempt of [
        backend.write({ ...ref, key: "NEW", value: "x" }),
        backend.update({ ...ref, value: "changed" }),
        backend.delete(ref),
      ]) {
        expect((await failure(attempt)).code).toBe("read-only");
      }
      expect(await h.names()).toEqual(before);
      expect((await h.inspect("existing"))?.value).toBe("keep me");
    });

    it("managed mode creates, updates and deletes secrets with Keyhold's tags", async () => {
      const backend = open(h.document({ tags: { owner: "platform" } }, false), TENANT_ATTACHED);
      const ref = { tenant: "acme", namespace: "company.team", key: "API_KEY" };
      await backend.write({ ...ref, value: "first", description: "for the API", tags: { env: "prod" } });
      const names = await h.names();
      expect(names).toHaveLength(1);
      let stored = await h.inspect(names[0]);
      expect(stored).toMatchObject({ value: "first", description: "for the API" });
      expect(stored?.tags).toEqual({
        tenant: "acme",
        namespace: "company.team",
        key: "API_KEY",
        prefix: "kestra",
        owner: "platform",
        env: "prod",
      });
      expect((await backend.list({ tenant: "acme", namespace: "company.team" })).items.map((s) => s.key)).toEqual([
        "API_KEY",
      ]);
      expect((await failure(backend.write({ ...ref, value: "again" }))).code).toBe("conflict");

      await backend.update({ ...ref, description: "new words", tags: { env: "staging" } });
      stored = await h.inspect(names[0]);
      expect(stored).toMatchObject({ value: "first", description: "new words" });
      expect(stored?.tags).toMatchObject({ env: "staging", key: "API_KEY" });

      await backend.update({ ...ref, value: "second" });
      expect((await h.inspect(names[0]))?.value).toBe("second");
      expect(await backend.read(ref)).toBe("second");

      await backend.delete(ref);
      expect(await h.inspect(names[0])).toBeNull();
      expect((await backend.list({ tenant: "acme", namespace: "company.team" })).items).toEqual([]);
      expect((await failure(backend.delete(ref))).code).toBe("not-found");
    });

    it("keeps keys that differ only by namespace apart", async () => {
      const backend = open(h.document({}, false), TENANT_ATTACHED);
      await backend.write({ tenant: "acme", namespace: "team.a", key: "K", value: "a" });
      await backend.write({ tenant: "acme", namespace: "team-a", key: "K", value: "b" });
      expect(await backend.read({ tenant: "acme", namespace: "team.a", key: "K" })).toBe("a");
      expect(await backend.read({ tenant: "acme", namespace: "team-a", key: "K" })).toBe("b");
    });
  });

  describe(`${h.type}: verify`, () => {
    it("answers ok with latency and what was checked", async () => {
      const result = await open(h.document({}, true), TENANT_ATTACHED).verify();
      expect(result.status).toBe("ok");
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
      expect(result.checked.length).toBeGreaterThan(5);
    });

    it("names each failure with its code and never a credential", async () => {
      const cases = await h.failures();
      expect(cases.length).toBeGreaterThan(0);
      for (const c of cases) {
        const backend = open(c.document, c.attachment ?? TENANT_ATTACHED);
        const e = await failure(backend.verify());
        expect({ code: e.code, message: e.message }, JSON.stringify(c.document)).toMatchObject({ code: c.code });
        expect(e.message.length).toBeLessThanOrEqual(400);
        const section = c.document[c.document.type] as Record<string, unknown>;
        for (const secret of JSON.stringify(section).match(/CANARY[A-Za-z0-9_-]*/g) ?? [])
          expect(e.message).not.toContain(secret);
      }
    }, 60_000);
  });

  describe(`${h.type}: value reads`, () => {
    it("lists a page of 60 secrets without reading a value; 'Show subkeys' reads one secret, once", async () => {
      await h.clear();
      const counted = await h.counted();
      try {
        await counted.seedMany(
          Array.from({ length: 60 }, (_, i) => ({
            name: `reads-${String(i).padStart(2, "0")}`,
            value: JSON.stringify({ user: "ops", password: `CANARY-read-${i}` }),
            tags: tagged("company", `K${String(i).padStart(2, "0")}`),
          })),
        );
        const backend = open(counted.document({}, true), TENANT_ATTACHED);
        const rows = await expectNoValueReadsWhileListing({
          backend,
          valueReads: counted.valueReads,
          namespace: "company",
          shown: { key: "K07", subkeys: ["password", "user"] },
        });
        expect(JSON.stringify(rows)).not.toContain("CANARY-read");
      } finally {
        await counted.close();
      }
    }, 120_000);
  });

  describe.skipIf(!h.bulk)(`${h.type}: paging`, () => {
    it(`lists ${h.bulk} secrets of one namespace, each exactly once across pages`, async () => {
      await h.clear();
      const items = Array.from({ length: h.bulk }, (_, i) => ({
        name: `bulk-${String(i).padStart(5, "0")}`,
        value: String(i),
        tags: tagged("bulk", `KEY_${String(i).padStart(5, "0")}`),
      }));
      if (h.seedMany) await h.seedMany(items);
      else for (const item of items) await h.seed(item.name, item.value, item.tags);
      const backend = open(h.document({}, true), TENANT_ATTACHED);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await backend.list({
          tenant: "acme",
          namespace: "bulk",
          cursor,
          pageSize: 200,
          refresh: pages === 0,
        });
        seen.push(...page.items.map((s) => s.key));
        expect(page.total).toBe(h.bulk);
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 100);
      expect(seen).toHaveLength(h.bulk);
      expect(new Set(seen).size).toBe(h.bulk);
      expect(seen).toEqual(items.map((i) => i.tags.key));
    }, 300_000);
  });
}
