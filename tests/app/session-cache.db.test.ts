// One request resolves the session once (issue 9, section 2): the loaders of a namespace Secrets page (console
// layout, tenant layout, namespace layout, page, first page of rows) share one session lookup inside a render's
// request cache, and a revoked role is refused from the next request on. Runs the real `currentSession` with
// React's server `cache()`; only better-auth's cookie lookup is replaced (it needs a browser's cookie).
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { TEST_DATABASES } from "../support/test-db";
import { actAs, caller, openAppDatabase, seed, SEED, type AppDatabase, type Seed } from "../support/guarded-app";

// Vitest resolves `react` to its client build, whose `cache()` never caches; a server render uses the react-server build.
type ReactServer = typeof import("react") & {
  __SERVER_INTERNALS_DO_NOT_USE_OR_WARN_USERS_THEY_CANNOT_UPGRADE: { A: unknown };
};
function reactServerBuild(): ReactServer {
  const require = createRequire(import.meta.url);
  return require(path.join(path.dirname(require.resolve("react")), "react.react-server.js")) as ReactServer;
}
vi.mock("react", async (original) => ({ ...(await original<object>()), cache: reactServerBuild().cache }));
const reactServer = reactServerBuild();
vi.mock("next/headers", async () => (await import("../support/guarded-app")).nextHeadersMock);

/** better-auth's cookie → user lookup, counted: one call is one session resolution. */
const lookups = vi.hoisted(() => ({ count: 0 }));
vi.mock("../../lib/auth/auth", () => ({
  getAuth: async () => ({
    api: {
      getSession: async () => {
        lookups.count++;
        if (!caller.userId) return null;
        const { db } = await import("../../lib/db/client");
        const user = await (
          await db()
        ).user.findUnique({ where: { id: caller.userId }, select: { id: true, email: true, name: true } });
        return user ? { user } : null;
      },
    },
  }),
}));

const { runGuarded } = await import("../../lib/server/guard");
const { consoleUserView, tenantShellView, namespaceView } = await import("../../lib/views/console-shell");
const { secretsListView } = await import("../../lib/views/secrets-list");

/** What a Flight render installs for its request: the dispatcher `cache()` asks for the request's cache. */
async function inOneRender<T>(work: () => Promise<T>): Promise<T> {
  const internals = reactServer.__SERVER_INTERNALS_DO_NOT_USE_OR_WARN_USERS_THEY_CANNOT_UPGRADE;
  const caches = new Map<() => unknown, unknown>();
  internals.A = {
    getCacheForType: (create: () => unknown) =>
      caches.has(create) ? caches.get(create) : caches.set(create, create()).get(create),
    cacheSignal: () => null,
  };
  try {
    return await work();
  } finally {
    internals.A = null;
  }
}

/** The five guarded loads of /tenants/acme/namespaces/company.team/secrets, in the order Next.js runs them. */
const secretsPageLoads = () =>
  Promise.all([
    runGuarded(consoleUserView, {}),
    runGuarded(tenantShellView, { tenant: "acme" }),
    runGuarded(namespaceView, { tenant: "acme", namespace: "company.team" }),
    runGuarded(namespaceView, { tenant: "acme", namespace: "company.team" }),
    runGuarded(secretsListView, { tenant: "acme", namespace: "company.team", pageSize: 50 }),
  ]);

describe.each(TEST_DATABASES)("session lookup per request on $kind", ({ kind, available }) => {
  let app: AppDatabase;
  let s: Seed;

  beforeAll(async () => {
    if (!available) return;
    app = await openAppDatabase(kind);
    s = await seed(app.prisma);
  });
  afterAll(async () => app?.close());
  beforeEach(() => {
    lookups.count = 0;
  });

  it.skipIf(!available)("a namespace Secrets page resolves the session once for its five guarded loads", async () => {
    actAs(s, "viewer");
    const results = await inOneRender(secretsPageLoads);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true]);
    expect(lookups.count).toBe(1);
  });

  it.skipIf(!available)(
    "outside a render (route handlers, server actions, tests) each guarded call resolves the session itself",
    async () => {
      actAs(s, "viewer");
      const results = await secretsPageLoads();
      expect(results.every((r) => r.ok)).toBe(true);
      expect(lookups.count).toBe(5);
    },
  );

  it.skipIf(!available)("a role revoked during a request is refused from the next request on", async () => {
    actAs(s, "viewer");
    await inOneRender(async () => {
      expect((await runGuarded(secretsListView, { tenant: "acme", namespace: "company.team" })).ok).toBe(true);
      await app.prisma.roleBinding.delete({ where: { id: SEED.bindings.viewer } });
      // The request that was already running keeps the caller it started with.
      expect((await runGuarded(tenantShellView, { tenant: "acme" })).ok).toBe(true);
    });
    const next = await inOneRender(secretsPageLoads);
    expect(next.map((r) => (r.ok ? "ok" : r.error.code))).toEqual([
      "ok",
      "forbidden",
      "forbidden",
      "forbidden",
      "forbidden",
    ]);
    expect(lookups.count).toBe(2);
  });
});
