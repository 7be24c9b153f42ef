// The list route's kept answers (lib/secrets/list-cache.ts, issue 10's load target): a page is computed once and then
// served from the process while one check read finds its inputs unchanged. Each test first shows that the answer IS
// kept (the listing is not computed again), then changes one input and lists again: a removed role binding is refused
// on its next request, and every index write (a new row, a description-only update, a delete, subkeys learnt), a
// configuration change and a Refresh show on the next request.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { TEST_DATABASES } from "../support/test-db";
import { actAs, callRoute, openAppDatabase, seed, SEED, type AppDatabase, type Seed } from "../support/guarded-app";

vi.mock("../../lib/auth/session", async (original) => ({
  ...(await original<object>()),
  currentSession: (await import("../support/guarded-app")).sessionOfCaller,
}));
vi.mock("next/headers", async () => (await import("../support/guarded-app")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("../support/guarded-app")).nextCacheMock);

/** Counts computed listings: a request that the process answered from a kept page does not call it. */
const computed = vi.hoisted(() => ({ count: 0 }));
vi.mock("../../lib/secrets/namespace-secrets", async (original) => {
  const real = await original<typeof import("../../lib/secrets/namespace-secrets")>();
  return {
    ...real,
    listNamespaceSecrets: (...args: Parameters<typeof real.listNamespaceSecrets>) => {
      computed.count++;
      return real.listNamespaceSecrets(...args);
    },
  };
});

const route = await import("../../app/api/tenants/[tenant]/namespaces/[namespace]/secrets/route");
const { createSecretAction } = await import("../../lib/actions/secrets/create-secret");
const { updateSecretAction } = await import("../../lib/actions/secrets/update-secret");
const { deleteSecretAction } = await import("../../lib/actions/secrets/delete-secret");
const { showSubkeysAction } = await import("../../lib/actions/secrets/show-subkeys");
const { saveManagerConfigAction } = await import("../../lib/actions/managers/save-manager-config");
const { previewSwitchAction } = await import("../../lib/actions/managers/preview-switch");

interface Listed {
  status: number;
  body: {
    rows?: { key: string; description: string | null; subkeys: string[] | null }[];
    errors?: { namespace: string; code: string }[];
    error?: { code: string };
  };
}

async function list(namespace = "company.team", query = ""): Promise<Listed> {
  const response = await callRoute(route.GET, `/api/tenants/acme/namespaces/${namespace}/secrets${query}`, {
    tenant: "acme",
    namespace,
  });
  return { status: response.status, body: (await response.json()) as Listed["body"] };
}

const keys = (l: Listed) => (l.body.rows ?? []).map((r) => r.key);

/** Lists until the answer is kept (the first list of a namespace scans it; the next computes and keeps), then proves it is. */
async function warm(namespace = "company.team", query = ""): Promise<Listed> {
  await list(namespace, query);
  await list(namespace, query);
  const before = computed.count;
  const kept = await list(namespace, query);
  expect(kept.status).toBe(200);
  expect(computed.count, "the third list is answered from the kept page").toBe(before);
  return kept;
}

describe.each(TEST_DATABASES)("the list route's kept answers on $kind", ({ kind, available }) => {
  let app: AppDatabase;
  let s: Seed;

  beforeAll(async () => {
    if (!available) return;
    app = await openAppDatabase(kind);
    s = await seed(app.prisma);
  });
  afterAll(async () => app?.close());
  beforeEach(() => {
    if (s) actAs(s, "viewer");
  });

  it.skipIf(!available)("serves the same page again without computing it while nothing changed", async () => {
    const kept = await warm();
    expect(keys(kept).sort()).toEqual(["API_KEY", "DB"]);
    const before = computed.count;
    for (let i = 0; i < 5; i++) expect(await list()).toEqual(kept);
    expect(computed.count).toBe(before);
    // Another query is another page: computed once, then kept too.
    const searched = await warm("company.team", "?search=API");
    expect(keys(searched)).toEqual(["API_KEY"]);
  });

  it.skipIf(!available)("shows a secret created through Keyhold on the next request", async () => {
    await warm();
    actAs(s, "namespace-editor");
    expect(
      await createSecretAction({ tenant: "acme", namespace: "company.team", key: "CREATED", value: "v" }),
    ).toMatchObject({ ok: true });
    actAs(s, "viewer");
    expect(keys(await list())).toContain("CREATED");
  });

  it.skipIf(!available)("shows a description-only update (no count changes) on the next request", async () => {
    await warm();
    actAs(s, "namespace-editor");
    expect(
      await updateSecretAction({
        tenant: "acme",
        namespace: "company.team",
        key: "DB",
        description: "Described after the page was kept",
      }),
    ).toMatchObject({ ok: true });
    actAs(s, "viewer");
    const db = (await list()).body.rows!.find((r) => r.key === "DB");
    expect(db?.description).toBe("Described after the page was kept");
  });

  it.skipIf(!available)("shows subkeys learnt by Show subkeys on the next request", async () => {
    const kept = await warm();
    expect(kept.body.rows!.find((r) => r.key === "DB")?.subkeys).toBeNull();
    expect(await showSubkeysAction({ tenant: "acme", namespace: "company.team", key: "DB" })).toMatchObject({
      ok: true,
    });
    expect((await list()).body.rows!.find((r) => r.key === "DB")?.subkeys).toEqual(["password", "user"]);
  });

  it.skipIf(!available)("drops a deleted secret on the next request", async () => {
    expect(keys(await warm())).toContain("CREATED");
    actAs(s, "namespace-editor");
    expect(await deleteSecretAction({ tenant: "acme", namespace: "company.team", key: "CREATED" })).toMatchObject({
      ok: true,
    });
    actAs(s, "viewer");
    expect(keys(await list())).not.toContain("CREATED");
  });

  it.skipIf(!available)("takes a Refresh past the kept page, and keeps serving after it", async () => {
    await warm();
    const before = computed.count;
    expect((await list("company.team", "?refresh=1")).status).toBe(200);
    expect(computed.count).toBe(before + 1);
  });

  it.skipIf(!available)("refuses a viewer whose role was removed on the next request", async () => {
    await warm();
    await app.prisma.roleBinding.delete({ where: { id: SEED.bindings.viewer } });
    const refused = await list();
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe("forbidden");
    expect(refused.body.rows).toBeUndefined();
    // Signed out: refused before any page is looked at.
    actAs(s, "anonymous");
    expect((await list()).status).toBe(401);
    await app.prisma.roleBinding.create({
      data: { id: SEED.bindings.viewer, userId: SEED.users.viewer, role: "VIEWER", tenantId: s.acme.id },
    });
  });

  it.skipIf(!available)("follows a configuration change on the next request", async () => {
    const kept = await warm();
    expect(kept.body.errors).toEqual([]);
    // A dedicated Vault manager on company.team the server may not reach (the egress policy refuses loopback).
    actAs(s, "tenant-admin");
    const document = {
      type: "vault",
      "read-only": true,
      vault: { address: "http://127.0.0.1:9", token: { token: "t" } },
    };
    const preview = await previewSwitchAction({
      tenant: "acme",
      namespace: "company.team",
      enabled: true,
      document,
      keepCredentials: [],
    });
    expect(
      await saveManagerConfigAction({
        tenant: "acme",
        namespace: "company.team",
        expectedVersion: null,
        enabled: true,
        document,
        keepCredentials: [],
        confirmSwitch: preview.ok ? (preview.data.confirmation ?? undefined) : undefined,
      }),
    ).toMatchObject({ ok: true });
    actAs(s, "viewer");
    const after = await list();
    expect(after.body.errors).toEqual([expect.objectContaining({ namespace: "company.team", code: "forbidden" })]);
    expect(keys(after)).toEqual(["API_KEY"]);
    // The parent's page, whose inputs did not change, is still kept.
    await warm("company");
  });
});
