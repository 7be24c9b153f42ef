import { describe, expect, it } from "vitest";
import { BackendError } from "@/lib/backends/backend-error";
import { listNamespaceSecrets, listTenantSecrets, type NamespaceSecretsQuery } from "@/lib/secrets/namespace-secrets";
import { resolveSecretValue, showSubkeys } from "@/lib/secrets/secret-lookup";
import { createSecret } from "@/lib/secrets/mutations";
import type { ServingBackends } from "@/lib/secrets/serving";
import { indexDatabase } from "../support/index-db";
import { memoryBackend, memoryServing, type MemorySecret } from "../support/memory-backend";

// The listing pipeline on in-memory backends and a real secrets index (PGlite): lists, search, sort and paging are SQL.
const index = indexDatabase();
const memoryDatabase = () => index.memory();

let tenants = 0;
/** A tenant of its own per test. */
const newTenant = () => ({ id: `tenant-${++tenants}-${Date.now()}`, slug: `t${tenants}` });

const secret = (namespace: string | null, key: string, extra: Partial<MemorySecret> = {}): MemorySecret => ({
  namespace,
  key,
  value: "v",
  ...extra,
});

const list = (serving: ServingBackends, namespace: string, query: NamespaceSecretsQuery = {}) =>
  listNamespaceSecrets(memoryDatabase().prisma, newTenant(), namespace, query, serving);

describe("listNamespaceSecrets", () => {
  it("lists the namespace's own secrets and those it inherits, a nearer key hiding the parent's", async () => {
    const parent = memoryBackend({
      type: "vault",
      secrets: [secret("company", "db"), secret("company", "shared", { description: "parent's" })],
    });
    const child = memoryBackend({
      type: "aws-secret-manager",
      secrets: [secret("company.team", "shared", { description: "team's" }), secret("company.team", "token")],
    });
    const serving = memoryServing({
      namespaces: ["company", "company.team"],
      backends: { company: parent, "company.team": child },
    });

    const result = await list(serving, "company.team");

    expect(result.rows.map((r) => [r.key, r.source, r.inherited, r.backendLabel])).toEqual([
      ["db", "company", true, "HashiCorp Vault"],
      ["shared", "company.team", false, "AWS Secrets Manager"],
      ["token", "company.team", false, "AWS Secrets Manager"],
    ]);
    expect(result.rows.find((r) => r.key === "shared")?.description).toBe("team's");
    expect(result).toMatchObject({ total: 3, nextCursor: null, prevCursor: null, errors: [] });
  });

  it("marks rows of a read-only backend and says where the serving configuration is attached", async () => {
    const tenantWide = memoryBackend({
      readOnly: true,
      secrets: [secret(null, "everywhere"), secret("company", "own")],
    });
    const result = await list(memoryServing({ namespaces: ["company"], backends: { "": tenantWide } }), "company");
    expect(result.rows.map((r) => [r.key, r.readOnly, r.sourceKind, r.namespace])).toEqual([
      ["everywhere", true, "tenant", null],
      ["own", true, "tenant", "company"],
    ]);
  });

  it("searches keys and tag pairs, ignoring case", async () => {
    const backend = memoryBackend({
      secrets: [
        secret("a", "Database-URL"),
        secret("a", "api-key", { tags: { Team: "Payments" } }),
        secret("a", "other"),
      ],
    });
    const serving = memoryServing({ namespaces: ["a"], backends: { a: backend } });
    expect((await list(serving, "a", { search: "database" })).rows.map((r) => r.key)).toEqual(["Database-URL"]);
    expect((await list(serving, "a", { search: " team=pay " })).rows.map((r) => r.key)).toEqual(["api-key"]);
    expect(await list(serving, "a", { search: "nothing" })).toMatchObject({ rows: [], total: 0, nextCursor: null });
  });

  it("sorts by key by default, and by namespace or update time in either direction", async () => {
    const parent = memoryBackend({
      secrets: [secret("p", "b", { updatedAt: "2026-01-03" }), secret("p", "y", { updatedAt: "2026-01-01" })],
    });
    const child = memoryBackend({
      secrets: [secret("p.c", "a", { updatedAt: "2026-01-02" }), secret("p.c", "z", { updatedAt: "2026-01-04" })],
    });
    const serving = memoryServing({ namespaces: ["p", "p.c"], backends: { p: parent, "p.c": child } });
    const keys = async (query: NamespaceSecretsQuery) => (await list(serving, "p.c", query)).rows.map((r) => r.key);
    expect(await keys({})).toEqual(["a", "b", "y", "z"]);
    expect(await keys({ dir: "desc" })).toEqual(["z", "y", "b", "a"]);
    expect(await keys({ sort: "namespace" })).toEqual(["b", "y", "a", "z"]);
    expect(await keys({ sort: "updated", dir: "desc" })).toEqual(["z", "b", "a", "y"]);
  });

  it("pages the merged rows by cursor, clamping the page size", async () => {
    const backend = memoryBackend({ secrets: Array.from({ length: 7 }, (_, i) => secret("a", `k${i}`)) });
    const serving = memoryServing({ namespaces: ["a"], backends: { a: backend } });
    const db = memoryDatabase().prisma;
    const t = newTenant();
    const first = await listNamespaceSecrets(db, t, "a", { pageSize: 3 }, serving);
    expect(first).toMatchObject({ total: 7, prevCursor: null, rows: [{ key: "k0" }, { key: "k1" }, { key: "k2" }] });
    const second = await listNamespaceSecrets(db, t, "a", { pageSize: 3, cursor: first.nextCursor }, serving);
    expect(second.rows.map((r) => r.key)).toEqual(["k3", "k4", "k5"]);
    const back = await listNamespaceSecrets(db, t, "a", { pageSize: 3, cursor: second.prevCursor }, serving);
    expect(back.rows.map((r) => r.key)).toEqual(["k0", "k1", "k2"]);
    expect((await listNamespaceSecrets(db, t, "a", { pageSize: 0 }, serving)).rows).toHaveLength(1);
    expect((await listNamespaceSecrets(db, t, "a", { pageSize: 10_000 }, serving)).nextCursor).toBeNull();
    await expect(listNamespaceSecrets(db, t, "a", { cursor: "a.bm90LWEtY3Vyc29y" }, serving)).rejects.toMatchObject({
      code: "invalid-input",
    });
  });

  it("scans the backend once, to the end, and serves every page from the index", async () => {
    const backend = memoryBackend({
      secrets: Array.from({ length: 1200 }, (_, i) => secret("a", `k${String(i).padStart(4, "0")}`)),
    });
    const serving = memoryServing({ namespaces: ["a"], backends: { a: backend } });
    const db = memoryDatabase().prisma;
    const t = newTenant();
    let cursor: string | null = null;
    const seen: string[] = [];
    do {
      const page = await listNamespaceSecrets(db, t, "a", { pageSize: 200, cursor }, serving);
      expect(page.total).toBe(1200);
      seen.push(...page.rows.map((r) => r.key));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(1200);
    expect(seen.at(-1)).toBe("k1199");
    expect(backend.calls.filter((c) => c === "scan")).toHaveLength(1);
  });

  it("reports what the namespace's own backend ignored, not its parents'", async () => {
    const parent = memoryBackend({ ignored: { "missing-key-tag": 5 } });
    const child = memoryBackend({ ignored: { "other-tenant": 2 } });
    const serving = memoryServing({ namespaces: ["p", "p.c"], backends: { p: parent, "p.c": child } });
    expect((await list(serving, "p.c")).ignored).toEqual({ "other-tenant": 2 });
    expect((await list(serving, "p")).ignored).toEqual({ "missing-key-tag": 5 });
  });

  it("lists what it can when one namespace's backend fails, naming the namespace and the code", async () => {
    const parent = memoryBackend({ listError: new BackendError("unauthenticated", "The token was refused.") });
    const child = memoryBackend({ secrets: [secret("p.c", "mine")] });
    const result = await list(
      memoryServing({ namespaces: ["p", "p.c"], backends: { p: parent, "p.c": child } }),
      "p.c",
    );
    expect(result.rows.map((r) => r.key)).toEqual(["mine"]);
    expect(result.errors).toEqual([{ namespace: "p", code: "unauthenticated", message: "The token was refused." }]);
  });

  it("reports a backend that cannot be opened, and hides an unexpected error's words", async () => {
    const child = memoryBackend({ listError: new Error("socket hang up at 10.0.0.7 with token s.abc") });
    const serving = memoryServing({
      namespaces: ["p", "p.c"],
      backends: {
        p: new BackendError(
          "invalid-config",
          "The stored configuration is not valid any more: vault.address: Required",
        ),
        "p.c": child,
      },
    });
    const result = await list(serving, "p.c");
    expect(result.rows).toEqual([]);
    expect(result.errors).toEqual([
      {
        namespace: "p",
        code: "invalid-config",
        message: "The stored configuration is not valid any more: vault.address: Required",
      },
      { namespace: "p.c", code: "internal", message: "The backend could not be read." },
    ]);
  });

  it("shows a metadata backend's subkeys from its scan, and never reads a value", async () => {
    const backend = memoryBackend({
      subkeySource: "metadata",
      secrets: [
        secret("a", "json", { value: '{"user":"u","password":"p"}', description: "described" }),
        secret("a", "plain"),
      ],
    });
    const result = await list(memoryServing({ namespaces: ["a"], backends: { a: backend } }), "a", { pageSize: 2 });
    expect(result.rows.map((r) => [r.key, r.subkeys, r.description])).toEqual([
      ["json", ["password", "user"], "described"],
      ["plain", [], null],
    ]);
    expect(backend.calls).toEqual(["scan"]);
  });

  it("lists an on-demand backend's rows with subkeys unknown, asking nothing more of it", async () => {
    const backend = memoryBackend({ secrets: [secret("a", "json", { value: '{"k":1}' }), secret("a", "plain")] });
    const result = await list(memoryServing({ namespaces: ["a"], backends: { a: backend } }), "a");
    expect(result.rows.map((r) => [r.key, r.subkeys])).toEqual([
      ["json", null],
      ["plain", null],
    ]);
    expect(backend.calls).toEqual(["scan"]);
  });

  it("touches no table but the index when the backends are given", async () => {
    const serving = memoryServing({
      namespaces: ["a"],
      backends: { a: memoryBackend({ secrets: [secret("a", "k")] }) },
    });
    // memoryDatabase() throws on any table it does not keep: listing needs the index's SQL only.
    await expect(list(serving, "a")).resolves.toMatchObject({ total: 1 });
  });
});

describe("listTenantSecrets", () => {
  it("keeps each namespace's own rows, sorted by namespace, and a tenant-wide secret once", async () => {
    const tenantWide = memoryBackend({ secrets: [secret(null, "global"), secret("b", "k"), secret("a", "k")] });
    const serving = memoryServing({ namespaces: ["a", "b"], backends: { "": tenantWide } });
    const result = await listTenantSecrets(memoryDatabase().prisma, newTenant(), ["b", "a"], {}, serving);
    // The tenant-wide secret shows once, under the first namespace listed that returned it.
    expect(result.rows.map((r) => [r.source, r.key, r.inherited])).toEqual([
      ["a", "k", false],
      ["b", "global", false],
      ["b", "k", false],
    ]);
    expect(result.ignored).toEqual({});
    // By key, one key of several namespaces: a stable order (the tab itself defaults to the namespace order).
    const byKey = await listTenantSecrets(memoryDatabase().prisma, newTenant(), ["b", "a"], { sort: "key" }, serving);
    expect(byKey.rows.map((r) => [r.key, r.source])).toEqual([
      ["global", "b"],
      ["k", "a"],
      ["k", "b"],
    ]);
  });
});

describe("resolveSecretValue", () => {
  const parent = () =>
    memoryBackend({
      type: "vault",
      secrets: [secret("p", "db", { value: '{"password":"hunter2"}' }), secret("p", "only-parent", { value: "abc" })],
    });

  it("finds the key in the nearest namespace and reports the value's length only", async () => {
    const child = memoryBackend({ secrets: [secret("p.c", "db", { value: "12345" })] });
    const serving = memoryServing({ namespaces: ["p", "p.c"], backends: { p: parent(), "p.c": child } });
    expect(await resolveSecretValue(memoryDatabase().prisma, newTenant(), "p.c", "db", undefined, serving)).toEqual({
      namespace: "p.c",
      backendLabel: "Builtin store",
      length: 5,
    });
    expect(
      await resolveSecretValue(memoryDatabase().prisma, newTenant(), "p.c", "only-parent", undefined, serving),
    ).toMatchObject({ namespace: "p", length: 3 });
  });

  it("reads a subkey, and says which key it cannot find", async () => {
    const serving = memoryServing({ namespaces: ["p"], backends: { p: parent() } });
    expect(
      await resolveSecretValue(memoryDatabase().prisma, newTenant(), "p", "db", "password", serving),
    ).toMatchObject({ length: 7 });
    await expect(
      resolveSecretValue(memoryDatabase().prisma, newTenant(), "p", "missing", undefined, serving),
    ).rejects.toMatchObject({ code: "not-found", message: "Cannot find secret for key 'missing'." });
  });

  it("fails with the backend's code when no backend of the lineage can be opened", async () => {
    const serving = memoryServing({ namespaces: ["p"], backends: { p: new BackendError("invalid-config", "bad") } });
    await expect(
      resolveSecretValue(memoryDatabase().prisma, newTenant(), "p", "db", undefined, serving),
    ).rejects.toMatchObject({ code: "invalid-config", message: "bad" });
  });
});

describe("showSubkeys", () => {
  const tenant = newTenant;

  it("reads the one secret asked for, and the next lists show its names without reading again", async () => {
    const parent = memoryBackend({
      secrets: [secret("p", "db", { value: '{"password":"hunter2","user":"u"}' }), secret("p", "other")],
    });
    const child = memoryBackend({ secrets: [secret("p.c", "mine")] });
    const serving = memoryServing({ namespaces: ["p", "p.c"], backends: { p: parent, "p.c": child } });
    const db = memoryDatabase().prisma;
    const t = tenant();
    // Asked from the child's tab: the inherited row resolves as the list resolves it.
    expect(await showSubkeys(db, t, "p.c", "db", serving)).toEqual({ namespace: "p", subkeys: ["password", "user"] });
    expect(parent.calls.filter((c) => c.startsWith("subkeys") || c.startsWith("read"))).toEqual(["subkeys p/db"]);

    for (const ns of ["p.c", "p"]) {
      const rows = (await listNamespaceSecrets(db, t, ns, {}, serving)).rows;
      expect(rows.find((r) => r.key === "db")?.subkeys).toEqual(["password", "user"]);
      expect(rows.find((r) => r.key === "other")?.subkeys).toBeNull();
    }
    expect(parent.calls.filter((c) => c.startsWith("subkeys") || c.startsWith("read"))).toHaveLength(1);

    // A write through Keyhold updates its row at once (and a rescan forgets names read on demand).
    await createSecret(
      db,
      t,
      { actor: "test" } as never,
      { tenant: t.slug, namespace: "p", key: "new", value: "v", description: null, tags: {} },
      serving,
    );
    expect((await listNamespaceSecrets(db, t, "p", {}, serving)).rows.map((r) => r.key)).toEqual([
      "db",
      "new",
      "other",
    ]);
    expect((await listNamespaceSecrets(db, t, "p", { refresh: true }, serving)).rows[0].subkeys).toBeNull();
  });

  it("says which key it cannot find", async () => {
    const serving = memoryServing({ namespaces: ["p"], backends: { p: memoryBackend() } });
    await expect(showSubkeys(memoryDatabase().prisma, tenant(), "p", "nope", serving)).rejects.toMatchObject({
      code: "not-found",
      message: "Cannot find secret for key 'nope'.",
    });
  });
});
