// The Recover, Purge and list-deleted actions through the guard on a seeded database: the permission matrix
// (secret:write to change, secret:list to look), and a backend without soft delete (the builtin store) says so.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TEST_DATABASES } from "../support/test-db";
import { actAs, openAppDatabase, seed, type AppDatabase, type Seed } from "../support/guarded-app";

vi.mock("../../lib/auth/session", async (original) => ({
  ...(await original<object>()),
  currentSession: (await import("../support/guarded-app")).sessionOfCaller,
}));
vi.mock("next/headers", async () => (await import("../support/guarded-app")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("../support/guarded-app")).nextCacheMock);

const { recoverSecretAction } = await import("../../lib/actions/secrets/recover-secret");
const { purgeSecretAction } = await import("../../lib/actions/secrets/purge-secret");
const { listDeletedSecretsAction } = await import("../../lib/actions/secrets/list-deleted-secrets");

describe.each(TEST_DATABASES)("recover and purge actions on $kind", ({ kind, available }) => {
  let app: AppDatabase;
  let s: Seed;

  beforeAll(async () => {
    if (!available) return;
    app = await openAppDatabase(kind);
    s = await seed(app.prisma);
  });
  afterAll(() => app?.close());

  const input = { tenant: "acme", namespace: "company.team", key: "DB" };

  it.skipIf(!available)("a viewer may look but not recover or purge; nothing is recorded as done", async () => {
    actAs(s, "viewer");
    expect(await listDeletedSecretsAction({ tenant: "acme", namespace: "company.team" })).toEqual({
      ok: true,
      data: { supported: false, readOnly: false, items: [] },
    });
    for (const action of [recoverSecretAction, purgeSecretAction])
      expect(await action(input)).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(
      await app.prisma.auditEvent.count({ where: { action: { in: ["secret.recovered", "secret.purged"] } } }),
    ).toBe(0);
  });

  it.skipIf(!available)("an editor outside their namespace is refused", async () => {
    actAs(s, "namespace-editor");
    expect(await recoverSecretAction({ ...input, namespace: "company" })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
  });

  it.skipIf(!available)(
    "an editor of a namespace whose store keeps no deleted secrets gets a coded answer",
    async () => {
      actAs(s, "namespace-editor");
      expect(await recoverSecretAction(input)).toMatchObject({ ok: false, error: { code: "invalid-input" } });
      expect(await purgeSecretAction({ ...input, key: "../x" })).toMatchObject({
        ok: false,
        error: { code: "invalid-input" },
      });
    },
  );
});
