// The session cookie's one-read path (lib/auth/session-lookup.ts): real better-auth sign-ins on a seeded database,
// their cookies sent back as a browser would. A valid session resolves with its user's bindings in one read; a
// tampered cookie, a revoked or expired session and a removed role binding take effect on the next request; a
// session due for better-auth's sliding refresh goes to better-auth, which refreshes it.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { TEST_DATABASES } from "../support/test-db";
import { callRoute, openAppDatabase, PASSWORD, seed, SEED, type AppDatabase, type Seed } from "../support/guarded-app";

/** The request's Cookie header, as the browser would send it. */
const request = vi.hoisted(() => ({ cookie: "" }));
vi.mock("next/headers", async () => ({
  ...(await import("../support/guarded-app")).nextHeadersMock,
  headers: async () => new Headers(request.cookie ? { cookie: request.cookie } : {}),
}));
vi.mock("next/cache", async () => (await import("../support/guarded-app")).nextCacheMock);

const { currentSession } = await import("../../lib/auth/session");
const { lookUpSession, verifiedToken, cookieValue } = await import("../../lib/auth/session-lookup");
const { getAuth } = await import("../../lib/auth/auth");
const listRoute = await import("../../app/api/tenants/[tenant]/namespaces/[namespace]/secrets/route");

/** Signs in through better-auth and returns the Cookie header its Set-Cookie headers make. */
async function signInCookie(email: string, rememberMe: boolean): Promise<string> {
  const auth = await getAuth();
  const { headers } = await auth.api.signInEmail({
    body: { email, password: PASSWORD, rememberMe },
    headers: new Headers(),
    returnHeaders: true,
  });
  return headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

const contextOf = async () => (await getAuth()).$context;

describe.each(TEST_DATABASES)("the session cookie's one-read path on $kind", ({ kind, available }) => {
  let app: AppDatabase;
  let s: Seed;
  let sessionName: string;

  beforeAll(async () => {
    if (!available) return;
    app = await openAppDatabase(kind);
    s = await seed(app.prisma);
    sessionName = (await contextOf()).authCookies.sessionToken.name;
  });
  afterAll(async () => app?.close());
  beforeEach(() => {
    request.cookie = "";
  });

  const tokenOf = async (cookie: string) =>
    verifiedToken(cookieValue(cookie, sessionName)!, (await contextOf()).secret)!;

  it.skipIf(!available)(
    "resolves Keyhold's sign-in (remember me off) with the user's bindings in one read",
    async () => {
      const cookie = await signInCookie(s.emails.viewer, false);
      const quick = await lookUpSession(cookie, await contextOf());
      expect(quick).toEqual({
        userId: s.users.viewer,
        email: s.emails.viewer,
        name: "viewer",
        bindings: [{ role: "viewer", tenantId: s.acme.id, namespace: null }],
      });
      request.cookie = cookie;
      expect(await currentSession()).toEqual({
        userId: s.users.viewer,
        actor: s.emails.viewer,
        name: "viewer",
        bindings: [{ role: "viewer", tenantId: s.acme.id, namespace: null }],
      });
    },
  );

  it.skipIf(!available)("refuses a cookie whose signature is not the server's, or has none", async () => {
    const cookie = await signInCookie(s.emails.viewer, false);
    const token = await tokenOf(cookie);
    const forged = `${sessionName}=${encodeURIComponent(`${token}.${"A".repeat(43)}=`)}`;
    const bare = `${sessionName}=${token}`;
    for (const bad of [forged, bare]) {
      expect(await lookUpSession(bad, await contextOf())).toBeUndefined();
      request.cookie = bad;
      expect(await currentSession()).toBeNull();
    }
  });

  it.skipIf(!available)("refuses a revoked session and an expired one on the next request", async () => {
    const revoked = await signInCookie(s.emails.viewer, false);
    request.cookie = revoked;
    expect(await currentSession()).not.toBeNull();
    await app.prisma.session.delete({ where: { token: await tokenOf(revoked) } });
    expect(await lookUpSession(revoked, await contextOf())).toBeUndefined();
    expect(await currentSession()).toBeNull();

    const expired = await signInCookie(s.emails.viewer, false);
    request.cookie = expired;
    expect(await currentSession()).not.toBeNull();
    await app.prisma.session.update({
      where: { token: await tokenOf(expired) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await lookUpSession(expired, await contextOf())).toBeUndefined();
    expect(await currentSession()).toBeNull();
  });

  it.skipIf(!available)("reads the bindings again on every request: a removed role is gone from the next", async () => {
    const cookie = await signInCookie(s.emails["namespace-editor"], false);
    request.cookie = cookie;
    expect((await currentSession())?.bindings).toEqual([
      { role: "namespace-editor", tenantId: s.acme.id, namespace: "company.team" },
    ]);
    await app.prisma.roleBinding.delete({ where: { id: SEED.bindings["namespace-editor"] } });
    expect((await currentSession())?.bindings).toEqual([]);
  });

  it.skipIf(!available)(
    "leaves a remembered session due for its sliding refresh to better-auth, which refreshes it",
    async () => {
      const context = await contextOf();
      const { expiresIn, updateAge } = context.sessionConfig;
      const cookie = await signInCookie(s.emails["tenant-admin"], true);
      expect(cookie).not.toContain(context.authCookies.dontRememberToken.name);
      const token = await tokenOf(cookie);
      expect(await lookUpSession(cookie, context)).toMatchObject({ userId: s.users["tenant-admin"] });

      // Last refreshed more than updateAge ago: better-auth moves the expiry on.
      const due = new Date(Date.now() + (expiresIn - updateAge - 60) * 1000);
      await app.prisma.session.update({ where: { token }, data: { expiresAt: due } });
      expect(await lookUpSession(cookie, context)).toBeUndefined();
      request.cookie = cookie;
      expect(await currentSession()).toMatchObject({ userId: s.users["tenant-admin"] });
      const refreshed = await app.prisma.session.findUniqueOrThrow({ where: { token } });
      expect(refreshed.expiresAt.getTime()).toBeGreaterThan(due.getTime() + 30_000);
      // Refreshed, the one-read path answers again.
      expect(await lookUpSession(cookie, context)).toMatchObject({ userId: s.users["tenant-admin"] });
    },
  );
  it.skipIf(!available)(
    "the list route's one read (session, tenant, kept answer's check) refuses a removed role and a revoked session",
    async () => {
      const list = async () =>
        (
          await callRoute(listRoute.GET, "/api/tenants/acme/namespaces/company/secrets", {
            tenant: "acme",
            namespace: "company",
          })
        ).status;
      request.cookie = await signInCookie(s.emails.viewer, false);
      // Scanned, computed and kept, then served from the kept answer.
      for (let i = 0; i < 4; i++) expect(await list()).toBe(200);
      expect(await lookUpSession(request.cookie, await contextOf())).toBeDefined();
      await app.prisma.roleBinding.delete({ where: { id: SEED.bindings.viewer } });
      expect(await list()).toBe(403);
      await app.prisma.roleBinding.create({
        data: { id: SEED.bindings.viewer, userId: SEED.users.viewer, role: "VIEWER", tenantId: s.acme.id },
      });
      expect(await list()).toBe(200);
      await app.prisma.session.delete({ where: { token: await tokenOf(request.cookie) } });
      expect(await list()).toBe(401);
    },
  );
});
