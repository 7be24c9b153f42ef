import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { emulatorsDisabled } from "../../support/emulators";
import {
  backend,
  cleanup,
  COMPANY,
  document,
  FILE,
  failure,
  guardLoopback,
  root,
  seed,
  TENANT,
  targets,
  tree,
  uniqueBase,
  type Target,
} from "../../support/backends/vault";

guardLoopback();

/** The Kestra page's example tree, plus nested folders and JSON-ish values, under `base`. */
async function seedExample(t: Target, base: string) {
  await seed(t, `${base}/app1/db`, { DATABASE_USERNAME: "kestra", DATABASE_PASSWORD: "pg-s3cr3t" });
  await seed(t, `${base}/app1/api`, { keys: '{"primary":"k1","secondary":"k2"}', API_TOKEN: "tok-123" });
  await seed(t, `${base}/app1/team/cache`, { value: "redis-pw" });
  await seed(t, `${base}/app1/team/deep/json`, { value: '{"host":"db.internal","port":5432}' });
  await seed(t, `${base}/app1/single`, { only: "the-one" });
  await seed(t, `${base}/app2/config`, { value: "app2-value" });
}

describe.skipIf(emulatorsDisabled).each(targets())("vault read-only ($name)", (t) => {
  it("lists every entry under root-engine/secret-path-prefix/ recursively, keyed by its relative path, then describes and tells subkeys, never a value", async () => {
    const base = uniqueBase("list");
    await seedExample(t, base);
    if (t.version === 2)
      await root(t.namespace).write(`${t.mount}/metadata/${base}/app1/db`, {
        custom_metadata: { description: "the database", team: "core" },
      });
    const b = backend(document(t, { "secret-path-prefix": `${base}/app1` }), TENANT);
    expect(b.subkeySource).toBe(t.version === 2 ? "metadata" : "on-demand");
    const page = await b.list({ tenant: "acme", namespace: "company" });
    expect(page.items.map((s) => s.key)).toEqual(["api", "db", "single", "team/cache", "team/deep/json"]);
    expect(page.total).toBe(5);
    expect(page.ignored).toEqual({});
    expect(page.items.every((s) => s.namespace === null && s.backend === "vault")).toBe(true);
    expect(JSON.stringify(page)).not.toMatch(/pg-s3cr3t|tok-123|redis-pw|the-one|db\.internal|kestra"/);

    const keys = page.items.map((s) => s.key);
    // The scan's metadata: description, tags, time and (KV v2) field names, never a value.
    const described = page.items;
    expect(JSON.stringify(described)).not.toMatch(/pg-s3cr3t|tok-123|redis-pw|the-one|db\.internal|kestra"/);
    if (t.version === 2) {
      expect(described[1]).toMatchObject({ key: "db", description: "the database", tags: { team: "core" } });
      expect(described[0].updatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    // KV v2's metadata tells field names; Keyhold-shaped entries (`value` only) and KV v1 need a read.
    expect(described.map((d) => [d.key, d.subkeys])).toEqual(
      t.version === 2
        ? [
            ["api", ["API_TOKEN", "keys"]],
            ["db", ["DATABASE_PASSWORD", "DATABASE_USERNAME"]],
            ["single", ["only"]],
            ["team/cache", null],
            ["team/deep/json", null],
          ]
        : keys.map((k) => [k, null]),
    );
    const shown = await Promise.all(keys.map((key) => b.subkeys({ tenant: "acme", namespace: "company", key })));
    expect(shown).toEqual([
      ["API_TOKEN", "keys"],
      ["DATABASE_PASSWORD", "DATABASE_USERNAME"],
      ["only"],
      [],
      ["host", "port"],
    ]);
    expect((await failure(b.subkeys({ tenant: "acme", namespace: "company", key: "nope" }))).code).toBe("not-found");

    expect((await b.list({ tenant: "acme", namespace: "company", search: "TEAM/" })).items.map((s) => s.key)).toEqual([
      "team/cache",
      "team/deep/json",
    ]);
    expect(
      (await b.list({ tenant: "acme", namespace: "company", keys: ["db", "nope"] })).items.map((s) => s.key),
    ).toEqual(["db"]);
  });

  it("pages through the sorted list with a cursor", async () => {
    const base = uniqueBase("cursor");
    await seedExample(t, base);
    const b = backend(document(t, { "secret-path-prefix": base }), TENANT);
    const keys: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await b.list({ tenant: "acme", namespace: "x", pageSize: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      expect(page.total).toBe(6);
      keys.push(...page.items.map((s) => s.key));
      cursor = page.nextCursor;
    } while (cursor);
    expect(keys).toEqual([
      "app1/api",
      "app1/db",
      "app1/single",
      "app1/team/cache",
      "app1/team/deep/json",
      "app2/config",
    ]);
  });

  it("reads values and subkeys with the semantics page's sentences", async () => {
    const base = uniqueBase("read");
    await seedExample(t, base);
    if (t.version === 2)
      await seed(t, `${base}/app1/typed`, { port: 5432, nested: { a: [1, 2] }, value: "typed-value" });
    const b = backend(document(t, { "secret-path-prefix": `${base}/app1` }), TENANT);
    const ref = { tenant: "acme", namespace: "company" };
    expect(await b.read({ ...ref, key: "db" }, "DATABASE_PASSWORD")).toBe("pg-s3cr3t");
    expect(await b.read({ ...ref, key: "api" }, "keys")).toBe('{"primary":"k1","secondary":"k2"}');
    expect(await b.read({ ...ref, key: "team/cache" })).toBe("redis-pw");
    expect(await b.read({ ...ref, key: "single" })).toBe("the-one");
    expect(await b.read({ ...ref, key: "team/deep/json" }, "host")).toBe("db.internal");
    expect(await b.read({ ...ref, key: "team/deep/json" }, "port")).toBe("5432");
    if (t.version === 2) {
      expect(await b.read({ ...ref, key: "typed" })).toBe("typed-value");
      expect(await b.read({ ...ref, key: "typed" }, "port")).toBe("5432");
      expect(await b.read({ ...ref, key: "typed" }, "nested")).toBe('{"a":[1,2]}');
    }
    const several = await failure(b.read({ ...ref, key: "db" }));
    expect(several.code).toBe("invalid-input");
    expect(several.message).toContain("subkey=");
    expect(several.message).not.toMatch(/pg-s3cr3t|kestra/);
    expect((await failure(b.read({ ...ref, key: "db" }, "NOPE"))).message).toBe(
      "Cannot find secret sub-key 'NOPE' in secret 'db'.",
    );
    expect((await failure(b.read({ ...ref, key: "missing" }))).message).toBe("Cannot find secret for key 'missing'.");
    expect((await failure(b.read({ ...ref, key: "team" }))).message).toBe("Cannot find secret for key 'team'.");
    expect((await failure(b.read({ ...ref, key: "../app2/config" }))).message).toBe(
      "Cannot find secret for key '../app2/config'.",
    );
  });

  it("lists the whole engine when there is no secret-path-prefix", async () => {
    const mount = uniqueBase("mount").replace(/\//g, "-");
    const c = root(t.namespace);
    await c.write(`sys/mounts/${mount}`, { type: "kv", options: { version: String(t.version) } });
    try {
      const fresh = { ...t, mount };
      await seed(fresh, "db", { password: "p" });
      await seed(fresh, "team/api", { API_TOKEN: "t", value: "v" });
      await seed(fresh, "bad name", { value: "x" });
      const b = backend(document(fresh), TENANT);
      const page = await b.list({ tenant: "acme", namespace: "company" });
      expect(page.items.map((s) => s.key)).toEqual(["db", "team/api"]);
      expect(page.ignored).toEqual({ "invalid-key": 1 });
      const keys = { tenant: "acme", namespace: "company", keys: ["db", "team/api"] };
      expect((await b.list(keys)).items.map((d) => [d.key, d.subkeys])).toEqual([
        ["db", t.version === 2 ? ["password"] : null],
        ["team/api", t.version === 2 ? ["API_TOKEN", "value"] : null],
      ]);
      expect(await b.subkeys({ tenant: "acme", namespace: "company", key: "team/api" })).toEqual([
        "API_TOKEN",
        "value",
      ]);
    } finally {
      await c.delete(`sys/mounts/${mount}`);
    }
  });

  it("puts entries in the attachment scope: every namespace of a tenant, or only the attached namespace", async () => {
    const base = uniqueBase("scope");
    await seedExample(t, base);
    const section = { "secret-path-prefix": `${base}/app2` };
    const tenantWide = backend(document(t, section), TENANT);
    for (const namespace of ["company", "company.team", "other"]) {
      expect((await tenantWide.list({ tenant: "acme", namespace })).items.map((s) => s.key)).toEqual(["config"]);
    }
    expect(await tenantWide.read({ tenant: "acme", namespace: "other", key: "config" })).toBe("app2-value");

    const attached = backend(document(t, section), COMPANY);
    expect(
      (await attached.list({ tenant: "acme", namespace: "company" })).items.map((s) => [s.key, s.namespace]),
    ).toEqual([["config", null]]);
    expect((await attached.list({ tenant: "acme", namespace: "company.team" })).items).toEqual([]);
    expect((await attached.list({ tenant: "acme", namespace: "other" })).total).toBe(0);
    expect(await attached.read({ tenant: "acme", namespace: "company", key: "config" })).toBe("app2-value");
    expect((await failure(attached.read({ tenant: "acme", namespace: "other", key: "config" }))).code).toBe(
      "not-found",
    );

    const file = backend(document(t, section), FILE);
    expect((await file.list({ tenant: "globex", namespace: "anything" })).items.map((s) => s.key)).toEqual(["config"]);
  });

  it("refuses every write with read-only before calling Vault, and nothing changes", async () => {
    const base = uniqueBase("refuse");
    await seedExample(t, base);
    const before = await tree(t, base);
    expect(Object.keys(before)).toHaveLength(6);
    const b = backend(document(t, { "secret-path-prefix": `${base}/app1` }), TENANT);
    const ref = { tenant: "acme", namespace: "company", key: "team/cache" };
    for (const attempt of [
      b.write({ ...ref, key: "NEW", value: "x" }),
      b.update({ ...ref, value: "changed", description: "d" }),
      b.delete(ref),
    ]) {
      const e = await failure(attempt);
      expect(e.code).toBe("read-only");
    }
    expect(await tree(t, base)).toEqual(before);

    // The same refusals against a server that counts requests: none reaches it.
    let requests = 0;
    const counting = http.createServer((_req, res) => {
      requests++;
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => counting.listen(0, "127.0.0.1", r));
    try {
      const address = `http://127.0.0.1:${(counting.address() as AddressInfo).port}`;
      const offline = backend(document(t, { address }), TENANT);
      for (const attempt of [
        offline.write({ ...ref, key: "NEW", value: "x" }),
        offline.update({ ...ref, value: "y" }),
        offline.delete(ref),
      ]) {
        expect((await failure(attempt)).code).toBe("read-only");
      }
      expect(requests).toBe(0);
    } finally {
      counting.close();
    }
  });
});

afterAll(async () => {
  // Leave the shared emulator tidy: drop this run's folders.
  if (!emulatorsDisabled) for (const t of targets()) await cleanup(t);
});
