import { afterAll, describe, expect, it } from "vitest";
import { emulatorsDisabled } from "../../support/emulators";
import {
  backend,
  cleanup,
  COMPANY,
  FILE,
  document,
  failure,
  guardLoopback,
  inspect,
  seed,
  TENANT,
  targets,
  tree,
  uniqueBase,
} from "../../support/backends/vault";

guardLoopback();

describe.skipIf(emulatorsDisabled).each(targets())("vault managed mode ($name)", (t) => {
  const v2 = t.version === 2;

  it("writes to root-engine/prefix/TENANT/NS…/KEY as { value }, then updates and deletes it", async () => {
    const base = uniqueBase("crud");
    const b = backend(document(t, { "secret-path-prefix": base }, false), TENANT);
    const ref = { tenant: "acme", namespace: "company.team", key: "API_KEY" };
    const rel = `${base}/acme/company/team/API_KEY`;
    const meta = v2 ? { description: "for the API", tags: { env: "prod" } } : {};
    await b.write({ ...ref, value: "first", ...meta });

    expect(Object.keys(await tree(t, base))).toEqual([rel]);
    let stored = await inspect(t, rel);
    expect(stored?.fields).toEqual({ value: "first" });
    if (v2) expect(stored?.custom).toEqual({ description: "for the API", env: "prod" });

    const page = await b.list({ tenant: "acme", namespace: "company.team" });
    expect(page.items).toMatchObject([
      {
        key: "API_KEY",
        namespace: "company.team",
        subkeys: null,
        backend: "vault",
        ...(v2 ? { description: "for the API", tags: { env: "prod" } } : { description: null, tags: {} }),
      },
    ]);
    if (v2) expect(page.items[0].updatedAt).toMatch(/^\d{4}-/);
    expect((await failure(b.write({ ...ref, value: "again" }))).code).toBe("conflict");
    expect((await inspect(t, rel))?.fields).toEqual({ value: "first" });

    if (v2) {
      await b.update({ ...ref, description: "new words", tags: { env: "staging", owner: "ops" } });
      stored = await inspect(t, rel);
      expect(stored).toMatchObject({
        fields: { value: "first" },
        custom: { description: "new words", env: "staging", owner: "ops" },
        versions: 1,
      });
      await b.update({ ...ref, tags: { env: "dev" } });
      expect((await inspect(t, rel))?.custom).toEqual({ description: "new words", env: "dev" });
      await b.update({ ...ref, description: null });
      expect((await inspect(t, rel))?.custom).toEqual({ env: "dev" });
      expect((await b.list({ tenant: "acme", namespace: "company.team" })).items[0]).toMatchObject({
        description: null,
        tags: { env: "dev" },
      });
    }

    await b.update({ ...ref, value: "second" });
    stored = await inspect(t, rel);
    expect(stored?.fields).toEqual({ value: "second" });
    if (v2) expect(stored).toMatchObject({ versions: 2, custom: { env: "dev" } });
    expect(await b.read(ref)).toBe("second");

    await b.delete(ref);
    expect(await inspect(t, rel)).toBeNull(); // KV v2: the metadata went too, with every version
    expect(await tree(t, base)).toEqual({});
    expect((await b.list({ tenant: "acme", namespace: "company.team" })).items).toEqual([]);
    expect((await failure(b.delete(ref))).code).toBe("not-found");
    expect((await failure(b.update({ ...ref, value: "x" }))).code).toBe("not-found");
    expect((await failure(b.read(ref))).message).toBe("Cannot find secret for key 'API_KEY'.");
  });

  it("writes at TENANT/NS… under the engine root when there is no prefix", async () => {
    const tenant = uniqueBase("tenant")
      .replace(/[^a-z0-9-]/gi, "-")
      .toLowerCase();
    const b = backend(document(t, {}, false), TENANT);
    await b.write({ tenant, namespace: "company", key: "DB", value: "v" });
    expect(await inspect(t, `${tenant}/company/DB`)).toMatchObject({ fields: { value: "v" } });
    await b.delete({ tenant, namespace: "company", key: "DB" });
    expect(await inspect(t, `${tenant}/company/DB`)).toBeNull();
  });

  it("lists a namespace's own entries: folders are child namespaces, tenants are apart", async () => {
    const base = uniqueBase("tree");
    const b = backend(document(t, { "secret-path-prefix": base }, false), COMPANY);
    await b.write({ tenant: "acme", namespace: "company", key: "PARENT", value: "p" });
    await b.write({ tenant: "acme", namespace: "company.team", key: "CHILD", value: "c" });
    await b.write({ tenant: "globex", namespace: "company", key: "OTHER_TENANT", value: "o" });
    // Written by a Vault user beside Keyhold's: several fields, JSON-ish values.
    await seed(t, `${base}/acme/company/by-hand`, { user: "ops", config: '{"a":1}' });
    await seed(t, `${base}/acme/company/json`, { value: '{"host":"h","port":1}' });

    const page = await b.list({ tenant: "acme", namespace: "company" });
    // The scan asks KV v2's metadata for field names; Keyhold-shaped entries keep theirs inside `value`, as KV v1 does.
    expect(page.items.map((s) => [s.key, s.namespace, s.subkeys])).toEqual([
      ["by-hand", "company", v2 ? ["config", "user"] : null],
      ["json", "company", null],
      ["PARENT", "company", null],
    ]);
    const ns = { tenant: "acme", namespace: "company" };
    expect(await b.subkeys({ ...ns, key: "by-hand" })).toEqual(["config", "user"]);
    expect(await b.subkeys({ ...ns, key: "json" })).toEqual(["host", "port"]);
    expect(await b.subkeys({ ...ns, key: "PARENT" })).toEqual([]);
    expect(await b.read({ tenant: "acme", namespace: "company", key: "by-hand" }, "user")).toBe("ops");
    expect(await b.read({ tenant: "acme", namespace: "company", key: "json" }, "port")).toBe("1");
    expect((await b.list({ tenant: "acme", namespace: "company.team" })).items.map((s) => s.key)).toEqual(["CHILD"]);
    // A tenant's configuration scans its tenant's folder only; the configuration file's scans every tenant's.
    expect((await b.list({ tenant: "globex", namespace: "company" })).items).toEqual([]);
    const shared = backend(document(t, { "secret-path-prefix": base }, false), FILE);
    expect((await shared.list({ tenant: "globex", namespace: "company" })).items.map((s) => s.key)).toEqual([
      "OTHER_TENANT",
    ]);
    expect((await shared.list({ tenant: "acme", namespace: "company" })).items.map((s) => s.key)).toEqual([
      "by-hand",
      "json",
      "PARENT",
    ]);
    expect((await failure(b.read({ tenant: "globex", namespace: "company", key: "PARENT" }))).code).toBe("not-found");
    expect((await b.list({ tenant: "acme", namespace: "company", search: "par" })).items.map((s) => s.key)).toEqual([
      "PARENT",
    ]);
  });

  it("keeps keys that differ only by namespace apart", async () => {
    const base = uniqueBase("apart");
    const b = backend(document(t, { "secret-path-prefix": base }, false), TENANT);
    await b.write({ tenant: "acme", namespace: "team.a", key: "K", value: "a" });
    await b.write({ tenant: "acme", namespace: "team-a", key: "K", value: "b" });
    expect(await b.read({ tenant: "acme", namespace: "team.a", key: "K" })).toBe("a");
    expect(await b.read({ tenant: "acme", namespace: "team-a", key: "K" })).toBe("b");
    expect(Object.keys(await tree(t, base)).sort()).toEqual([`${base}/acme/team-a/K`, `${base}/acme/team/a/K`]);
  });

  it("refuses keys with '/' and reserved or unsupported metadata before writing", async () => {
    const base = uniqueBase("refuse");
    const b = backend(document(t, { "secret-path-prefix": base }, false), TENANT);
    const ref = { tenant: "acme", namespace: "company" };
    expect((await failure(b.write({ ...ref, key: "team/api", value: "x" }))).code).toBe("invalid-input");
    if (v2) {
      expect((await failure(b.write({ ...ref, key: "K", value: "x", tags: { description: "clash" } }))).code).toBe(
        "invalid-input",
      );
      expect((await failure(b.write({ ...ref, key: "K", value: "x", description: "d".repeat(600) }))).code).toBe(
        "invalid-input",
      );
      expect((await failure(b.write({ ...ref, key: "K", value: "x", tags: { env: "" } }))).code).toBe("invalid-input");
      await b.write({ ...ref, key: "K", value: "x", tags: { env: "prod" } });
      expect((await failure(b.update({ ...ref, key: "K", value: "changed", description: "d".repeat(600) }))).code).toBe(
        "invalid-input",
      );
      expect(await inspect(t, `${base}/acme/company/K`)).toMatchObject({
        fields: { value: "x" },
        custom: { env: "prod" },
        versions: 1,
      });
      await b.delete({ ...ref, key: "K" });
    } else {
      const e = await failure(b.write({ ...ref, key: "K", value: "x", description: "words" }));
      expect(e).toMatchObject({ code: "invalid-input" });
      expect(e.message).toContain("KV version 1");
      expect((await failure(b.write({ ...ref, key: "K", value: "x", tags: { env: "prod" } }))).code).toBe(
        "invalid-input",
      );
      await b.write({ ...ref, key: "K", value: "x", description: null, tags: {} });
      expect((await failure(b.update({ ...ref, key: "K", tags: { env: "prod" } }))).code).toBe("invalid-input");
      expect((await inspect(t, `${base}/acme/company/K`))?.fields).toEqual({ value: "x" });
      await b.delete({ ...ref, key: "K" });
    }
    expect(await tree(t, base)).toEqual({});
  });

  it("never puts the value in an error message", async () => {
    const base = uniqueBase("scrub");
    const b = backend(document(t, { "secret-path-prefix": base }, false), TENANT);
    await b.write({ tenant: "acme", namespace: "company", key: "K", value: "VALUE-CANARY-1" });
    const e = await failure(b.write({ tenant: "acme", namespace: "company", key: "K", value: "VALUE-CANARY-2" }));
    expect(e.code).toBe("conflict");
    expect(e.message).not.toContain("CANARY");
  });
});

afterAll(async () => {
  // Leave the shared emulator tidy: drop this run's folders.
  if (!emulatorsDisabled) for (const t of targets()) await cleanup(t);
});
