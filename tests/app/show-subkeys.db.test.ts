// "Show subkeys" through the guard on a seeded database: the list's permission, names only in the answer, kept in the
// secrets index for the next page views, forgotten by a write of that secret through Keyhold.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TEST_DATABASES } from "../support/test-db";
import { actAs, callRoute, openAppDatabase, seed, type AppDatabase, type Seed } from "../support/guarded-app";

vi.mock("../../lib/auth/session", async (original) => ({
  ...(await original<object>()),
  currentSession: (await import("../support/guarded-app")).sessionOfCaller,
}));
vi.mock("next/headers", async () => (await import("../support/guarded-app")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("../support/guarded-app")).nextCacheMock);

const { showSubkeysAction } = await import("../../lib/actions/secrets/show-subkeys");
const { createSecretAction } = await import("../../lib/actions/secrets/create-secret");
const { updateSecretAction } = await import("../../lib/actions/secrets/update-secret");
const namespaceSecrets = await import("../../app/api/tenants/[tenant]/namespaces/[namespace]/secrets/route");

describe.each(TEST_DATABASES)("show subkeys on $kind", ({ kind, available }) => {
  let app: AppDatabase;
  let s: Seed;

  beforeAll(async () => {
    if (!available) return;
    app = await openAppDatabase(kind);
    s = await seed(app.prisma);
  });
  afterAll(() => app?.close());

  const rows = async () => {
    const response = await callRoute(namespaceSecrets.GET, "/api/tenants/acme/namespaces/company.team/secrets", {
      tenant: "acme",
      namespace: "company.team",
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { rows: { key: string; subkeys: string[] | null }[] };
    return Object.fromEntries(body.rows.map((r) => [r.key, r.subkeys]));
  };

  it.skipIf(!available)(
    "answers a viewer with names only, kept in the index: a write changes its own row only",
    async () => {
      actAs(s, "viewer");
      expect(await rows()).toEqual({ API_KEY: null, DB: null });

      const shown = await showSubkeysAction({ tenant: "acme", namespace: "company.team", key: "DB" });
      expect(shown).toEqual({
        ok: true,
        data: { key: "DB", namespace: "company.team", subkeys: ["password", "user"] },
      });
      // The inherited row resolves as the list resolves it: from company, where it lives.
      expect(await showSubkeysAction({ tenant: "acme", namespace: "company.team", key: "API_KEY" })).toEqual({
        ok: true,
        data: { key: "API_KEY", namespace: "company", subkeys: [] },
      });
      expect(await rows()).toEqual({ API_KEY: [], DB: ["password", "user"] });

      actAs(s, "namespace-editor");
      expect(
        await createSecretAction({ tenant: "acme", namespace: "company.team", key: "NEW", value: "x" }),
      ).toMatchObject({ ok: true });
      actAs(s, "viewer");
      expect(await rows()).toEqual({ API_KEY: [], DB: ["password", "user"], NEW: null });

      // A new value may have other names: the row written forgets them.
      actAs(s, "namespace-editor");
      expect(
        await updateSecretAction({ tenant: "acme", namespace: "company.team", key: "DB", value: "{}" }),
      ).toMatchObject({ ok: true });
      actAs(s, "viewer");
      expect(await rows()).toEqual({ API_KEY: [], DB: null, NEW: null });
    },
  );

  it.skipIf(!available)("refuses whom the list refuses, and names a missing key", async () => {
    actAs(s, "anonymous");
    expect(await showSubkeysAction({ tenant: "acme", namespace: "company.team", key: "DB" })).toMatchObject({
      ok: false,
      error: { code: "unauthenticated" },
    });
    actAs(s, "viewer");
    expect(await showSubkeysAction({ tenant: "globex", namespace: "company.team", key: "DB" })).toMatchObject({
      ok: false,
      error: { code: expect.stringMatching(/^(forbidden|not-found)$/) },
    });
    expect(await showSubkeysAction({ tenant: "acme", namespace: "company.team", key: "NOPE" })).toEqual({
      ok: false,
      error: { code: "not-found", message: "Cannot find secret for key 'NOPE'." },
    });
  });
});
