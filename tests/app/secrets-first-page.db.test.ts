// The Secrets tab's first page is loaded on the server through loadPage (issue 9, section 2): signed out → sign-in,
// refused → 403 page, as every other page; any other failure comes back for the tab to show in its error banner, and
// a backend that fails while listing still gives a list with its errors, so the tab renders.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TEST_DATABASES } from "../support/test-db";
import { actAs, openAppDatabase, seed, type AppDatabase, type Seed } from "../support/guarded-app";

vi.mock("../../lib/auth/session", async (original) => ({
  ...(await original<object>()),
  currentSession: (await import("../support/guarded-app")).sessionOfCaller,
}));
vi.mock("next/headers", async () => (await import("../support/guarded-app")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("../support/guarded-app")).nextCacheMock);
// Next.js's interrupts, recognisable: what the page would turn into.
vi.mock("next/navigation", async (original) => ({
  ...(await original<object>()),
  redirect: (to: string) => {
    throw new Error(`redirect ${to}`);
  },
  forbidden: () => {
    throw new Error("403 page");
  },
  notFound: () => {
    throw new Error("404 page");
  },
}));

const { loadPage } = await import("../../lib/server/page");
const { secretsListView } = await import("../../lib/views/secrets-list");
const { tenantSecretsView } = await import("../../lib/views/tenant-secrets");
const { saveManagerConfigAction } = await import("../../lib/actions/managers/save-manager-config");
const { previewSwitchAction } = await import("../../lib/actions/managers/preview-switch");

const firstPage = (namespace: string | null, search?: string) =>
  namespace === null
    ? loadPage(tenantSecretsView, { tenant: "acme", search, pageSize: 50 }, { otherErrors: "return" })
    : loadPage(secretsListView, { tenant: "acme", namespace, search, pageSize: 50 }, { otherErrors: "return" });

describe.each(TEST_DATABASES)("the Secrets tab's first page on $kind", ({ kind, available }) => {
  let app: AppDatabase;
  let s: Seed;

  beforeAll(async () => {
    if (!available) return;
    app = await openAppDatabase(kind);
    s = await seed(app.prisma);
  });
  afterAll(async () => app?.close());

  it.skipIf(!available)("is the list for a caller who may list it", async () => {
    actAs(s, "namespace-editor");
    const result = await firstPage("company.team");
    expect(result.ok && result.data.rows.map((r) => r.key).sort()).toEqual(["API_KEY", "DB"]);
  });

  it.skipIf(!available)("is the 403 page for a caller refused, instead of a tab without rows", async () => {
    actAs(s, "namespace-editor");
    await expect(firstPage("company")).rejects.toThrow("403 page");
    await expect(firstPage(null)).rejects.toThrow("403 page");
  });

  it.skipIf(!available)("sends a signed-out visitor to the sign-in page", async () => {
    actAs(s, "anonymous");
    await expect(firstPage("company.team")).rejects.toThrow("redirect /login");
  });

  it.skipIf(!available)("returns bad list input for the tab's banner instead of a 404 page", async () => {
    actAs(s, "viewer");
    const result = await firstPage("company.team", "a\u0000b");
    expect(result).toMatchObject({ ok: false, error: { code: "invalid-input" } });
  });

  it.skipIf(!available)("still lists when a namespace's backend fails, with the failure for the banner", async () => {
    actAs(s, "viewer");
    // A dedicated Vault manager on company.team the server may not reach: the egress policy refuses loopback addresses.
    actAs(s, "tenant-admin");
    const document = {
      type: "vault",
      "read-only": true,
      vault: { address: "http://127.0.0.1:9", token: { token: "t" } },
    };
    // Turning a manager on switches the namespace's backend: the save carries its preview's confirmation.
    const preview = await previewSwitchAction({
      tenant: "acme",
      namespace: "company.team",
      enabled: true,
      document,
      keepCredentials: [],
    });
    expect(preview).toMatchObject({ ok: true, data: { switching: true } });
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
    const result = await firstPage("company.team");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // The backend's own "forbidden" (the egress policy's) is the banner's, not the caller's 403 page.
    expect(result.data.errors).toEqual([expect.objectContaining({ namespace: "company.team", code: "forbidden" })]);
    expect(result.data.rows.map((r) => r.key)).toEqual(["API_KEY"]);
  });
});
