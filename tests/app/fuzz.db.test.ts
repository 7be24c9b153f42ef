// Property-based tests (issue 8, section 6): every server action and route handler, driven through the guard with
// generated hostile input as each role, on a real database with the builtin backend. No result may be `internal`, no
// response a 500, and a refused input must leave the database as it was. KEYHOLD_FUZZ_RUNS sets the runs per action
// and role (default 20), KEYHOLD_FUZZ_SEED replays a run. Counts are printed and written to test-results/fuzz/.
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fc, it } from "@fast-check/vitest";
import { afterAll, beforeAll, describe, expect, vi } from "vitest";
import { TEST_DATABASES } from "../support/test-db";
import { ERROR_CODES } from "../../lib/errors";
import {
  actAs,
  caller,
  CALLERS,
  fingerprint,
  openAppDatabase,
  restoreSeed,
  saveSeed,
  seed,
  type AppDatabase,
  type Caller,
  type Seed,
} from "../support/guarded-app";
import * as arb from "../support/fuzz-inputs";
import { loopbackOnly, type LoopbackOnly } from "../support/loopback-only";

vi.mock("../../lib/auth/session", async (original) => ({
  ...(await original<object>()),
  currentSession: (await import("../support/guarded-app")).sessionOfCaller,
}));
vi.mock("next/headers", async () => (await import("../support/guarded-app")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("../support/guarded-app")).nextCacheMock);

const RUNS = Number(process.env.KEYHOLD_FUZZ_RUNS ?? 20);
const SEED_VALUE = process.env.KEYHOLD_FUZZ_SEED ? Number(process.env.KEYHOLD_FUZZ_SEED) : undefined;
const ROOT = path.resolve(import.meta.dirname, "../..");
const ACTION_DIRS = ["lib/actions"];

const { field, inputOf } = arb;
const nullableNamespace = fc.option(arb.namespaces, { nil: null });
const roles = fc.constantFrom("tenant-admin", "namespace-editor", "viewer");
const values = fc.string({ unit: "binary", minLength: 1, maxLength: 200 });

/** One generated input per call; public calls run without a session too. */
interface ActionTarget {
  arbitrary: fc.Arbitrary<unknown>;
  public?: true;
}

/** The arbitrary of every action file (by its path): valid values per field, hostile ones derived or given. */
const ACTIONS: Record<string, ActionTarget> = {
  "lib/actions/users/add-instance-admin.ts": {
    arbitrary: inputOf(
      { email: arb.emails, name: arb.plainWords, password: arb.passwords },
      { password: arb.hostilePasswords },
    ),
  },
  "lib/actions/users/add-tenant-user.ts": {
    arbitrary: inputOf(
      {
        tenant: arb.tenants,
        email: arb.emails,
        name: arb.plainWords,
        password: arb.passwords,
        role: roles,
        namespace: nullableNamespace,
      },
      { password: arb.hostilePasswords, role: field(fc.constantFrom("instance-admin", "owner")) },
    ),
  },
  "lib/actions/secrets/check-expression.ts": {
    arbitrary: inputOf(
      { tenant: arb.tenants, namespace: arb.namespaces, expression: arb.expressions },
      { expression: arb.hostileExpressions },
    ),
  },
  "lib/actions/namespaces/create-namespace.ts": {
    arbitrary: inputOf({
      tenant: arb.tenants,
      path: fc.oneof(arb.namespaces, fc.stringMatching(/^[a-z][a-z0-9_-]{0,6}(\.[a-z0-9][a-z0-9_-]{0,6}){0,3}$/)),
    }),
  },
  "lib/actions/secrets/create-secret.ts": {
    arbitrary: inputOf(
      {
        tenant: arb.tenants,
        namespace: arb.namespaces,
        key: arb.secretKeys,
        value: values,
        description: arb.plainWords,
        tags: arb.tagRows,
      },
      { tags: arb.hostileTagRows },
    ),
  },
  "lib/actions/tenants/create-tenant.ts": {
    arbitrary: inputOf({ slug: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/), displayName: arb.plainWords }),
  },
  "lib/actions/secrets/show-subkeys.ts": {
    arbitrary: inputOf({ tenant: arb.tenants, namespace: arb.namespaces, key: arb.secretKeys }),
  },
  "lib/actions/secrets/delete-secret.ts": {
    arbitrary: inputOf({ tenant: arb.tenants, namespace: arb.namespaces, key: arb.secretKeys }),
  },
  "lib/actions/secrets/recover-secret.ts": {
    arbitrary: inputOf({ tenant: arb.tenants, namespace: arb.namespaces, key: arb.secretKeys }),
  },
  "lib/actions/secrets/purge-secret.ts": {
    arbitrary: inputOf({ tenant: arb.tenants, namespace: arb.namespaces, key: arb.secretKeys }),
  },
  "lib/actions/secrets/list-deleted-secrets.ts": {
    arbitrary: inputOf({ tenant: arb.tenants, namespace: arb.namespaces }),
  },
  "lib/actions/users/remove-tenant-user.ts": { arbitrary: inputOf({ tenant: arb.tenants, userId: arb.userIds }) },
  "lib/actions/users/revoke-instance-admin.ts": { arbitrary: inputOf({ bindingId: arb.bindingIds }) },
  "lib/actions/users/revoke-role.ts": { arbitrary: inputOf({ tenant: arb.tenants, bindingId: arb.bindingIds }) },
  "lib/actions/managers/save-manager-config.ts": {
    arbitrary: inputOf(
      {
        tenant: arb.tenants,
        namespace: nullableNamespace,
        expectedVersion: fc.constantFrom(null, 1),
        enabled: fc.boolean(),
        document: arb.validDocuments,
        keepCredentials: arb.validKeepCredentials,
      },
      {
        document: arb.hostileDocuments,
        keepCredentials: arb.hostileKeepCredentials,
        expectedVersion: field(fc.constantFrom(0, -1, 2.5, 2 ** 53)),
      },
    ),
  },
  "lib/actions/auth/sign-out.ts": { arbitrary: inputOf({ everywhere: fc.boolean() }) },
  "lib/actions/secrets/update-secret.ts": {
    arbitrary: inputOf(
      {
        tenant: arb.tenants,
        namespace: arb.namespaces,
        key: arb.secretKeys,
        value: fc.option(values, { nil: undefined }),
        description: arb.plainWords,
        tags: arb.tagRows,
      },
      { tags: arb.hostileTagRows },
    ),
  },
  "lib/actions/managers/verify-config-form.ts": {
    arbitrary: inputOf(
      {
        tenant: arb.tenants,
        namespace: nullableNamespace,
        document: arb.validDocuments,
        keepCredentials: arb.validKeepCredentials,
      },
      { document: arb.hostileDocuments, keepCredentials: arb.hostileKeepCredentials },
    ),
  },
  "lib/actions/managers/preview-switch.ts": {
    arbitrary: inputOf(
      {
        tenant: arb.tenants,
        namespace: nullableNamespace,
        enabled: fc.boolean(),
        document: arb.validDocuments,
        keepCredentials: arb.validKeepCredentials,
      },
      { document: arb.hostileDocuments, keepCredentials: arb.hostileKeepCredentials },
    ),
  },
  "lib/actions/managers/verify-connection.ts": {
    arbitrary: inputOf({ tenant: arb.tenants, namespace: nullableNamespace }),
  },
  "lib/actions/auth/setup-admin.ts": {
    arbitrary: inputOf(
      { email: arb.emails, name: arb.plainWords, password: arb.passwords },
      { password: arb.hostilePasswords },
    ),
    public: true,
  },
  "lib/actions/tokens/create-api-token.ts": {
    arbitrary: inputOf({
      name: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,10}$/),
      serviceAccount: fc.option(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,10}$/), { nil: undefined }),
      role: fc.constantFrom("instance-admin", "tenant-admin", "namespace-editor", "viewer"),
      tenant: fc.option(arb.tenants, { nil: null }),
      namespace: nullableNamespace,
      expiresInDays: fc.integer({ min: -1, max: 400 }),
    }),
  },
  "lib/actions/tokens/revoke-api-token.ts": { arbitrary: inputOf({ id: fc.uuid() }) },
  "lib/actions/auth/sign-in.ts": {
    arbitrary: inputOf({ email: arb.emails, password: arb.passwords }, { password: arb.hostilePasswords }),
    public: true,
  },
};

/** What a route handler receives: route params (as Next.js decoded them) and a query string. */
interface RouteInput {
  params: Record<string, string>;
  query: [string, string][];
}

/** Query and parameter values are text: valid ones, hostile ones. */
const text = <T extends string>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: arb.hostileText });
const query = (fields: Record<string, fc.Arbitrary<string>>) =>
  fc.array(
    fc.oneof(
      {
        weight: 6,
        arbitrary: fc.oneof(
          ...Object.entries(fields).map(([k, v]) => v.map((value) => [k, value] as [string, string])),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(fc.oneof(fc.constantFrom(...arb.PROTOTYPE_KEYS), arb.hostileText), arb.hostileText),
      },
    ),
    { maxLength: 4 },
  );
const auditQuery = query({
  actor: text(fc.constantFrom("owner", "root@keyhold.test", "")),
  action: text(fc.constantFrom("secret.", "config.save", "")),
  namespace: text(arb.namespaces),
  from: text(fc.constantFrom("2024-02-29", "2026-13-45", "2026-01-01", "")),
  to: text(fc.constantFrom("2026-12-31", "2026-02-30", "")),
  page: text(fc.constantFrom("1", "2", "0", "-1", "1.5", "100001", "1e3")),
  tenant: text(arb.tenants),
});
const listQuery = query({
  search: text(fc.constantFrom("API", "team=core", "")),
  sort: text(fc.constantFrom("key", "namespace", "updated", "size")),
  dir: text(fc.constantFrom("asc", "desc")),
  cursor: text(arb.listCursors),
  pageSize: text(fc.constantFrom("1", "50", "200", "201")),
  refresh: text(fc.constantFrom("1", "0", "true")),
});
// What HTTP delivers is UTF-8: half a surrogate pair cannot arrive (Next.js decodes it to U+FFFD at most).
const wellFormed = (v: string) => v.toWellFormed();
const routeInput = (
  params: Record<string, fc.Arbitrary<string>>,
  q: fc.Arbitrary<[string, string][]>,
): fc.Arbitrary<RouteInput> =>
  fc.record({
    params: fc.record(params).map((p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, wellFormed(v)]))),
    query: q.map((pairs) => pairs.map(([k, v]) => [wellFormed(k), wellFormed(v)] as [string, string])),
  });

/** The arbitrary of every route handler file; a file without one fails the first test below. */
const ROUTES: Record<
  string,
  { arbitrary: fc.Arbitrary<RouteInput>; url: (p: Record<string, string>) => string; public?: true }
> = {
  "app/api/audit/csv/route.ts": { arbitrary: routeInput({}, auditQuery), url: () => "/api/audit/csv" },
  "app/api/health/route.ts": { arbitrary: routeInput({}, auditQuery), url: () => "/api/health", public: true },
  "app/api/openapi.json/route.ts": {
    arbitrary: routeInput({}, auditQuery),
    url: () => "/api/openapi.json",
    public: true,
  },
  "app/api/tenants/[tenant]/audit/csv/route.ts": {
    arbitrary: routeInput({ tenant: text(arb.tenants) }, auditQuery),
    url: (p) => `/api/tenants/${encodeURIComponent(p.tenant)}/audit/csv`,
  },
  "app/api/tenants/[tenant]/namespaces/[namespace]/secrets/route.ts": {
    arbitrary: routeInput({ tenant: text(arb.tenants), namespace: text(arb.namespaces) }, listQuery),
    url: (p) => `/api/tenants/${encodeURIComponent(p.tenant)}/namespaces/${encodeURIComponent(p.namespace)}/secrets`,
  },
  "app/api/tenants/[tenant]/secrets/route.ts": {
    arbitrary: routeInput({ tenant: text(arb.tenants) }, listQuery),
    url: (p) => `/api/tenants/${encodeURIComponent(p.tenant)}/secrets`,
  },
};

function filesUnder(dir: string, match: (name: string) => boolean): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && match(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
}

describe("fuzzing covers every entry point", () => {
  it("has an arbitrary for every server action and route handler file, and none for a file that is gone", () => {
    const actions = ACTION_DIRS.flatMap((d) => filesUnder(d, (n) => n.endsWith(".ts") && !n.endsWith(".test.ts")));
    expect(actions.length).toBeGreaterThan(10);
    expect(Object.keys(ACTIONS).sort()).toEqual(actions.sort());
    // REST API v1 (app/api/v1) is fuzzed from its OpenAPI description by schemathesis (scripts/test/api-fuzz), with writes.
    expect(Object.keys(ROUTES).sort()).toEqual(
      filesUnder("app/api", (n) => n === "route.ts").filter((f) => !f.startsWith("app/api/v1/")),
    );
  });
});

type Call = (input: unknown) => Promise<unknown>;

async function actionOf(file: string): Promise<Call> {
  const mod = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, unknown>;
  const exported = Object.values(mod).filter((v) => typeof v === "function");
  expect(exported, `${file} exports one action`).toHaveLength(1);
  return exported[0] as Call;
}

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
async function routeOf(file: string): Promise<Handler> {
  const mod = (await import(/* @vite-ignore */ path.join(ROOT, file))) as { GET?: Handler };
  expect(typeof mod.GET, `${file} has a GET handler`).toBe("function");
  return mod.GET!;
}

/** `sign-in` for an action file, `GET /api/tenants/[tenant]/secrets` for a route file. */
const label = (file: string) =>
  file.startsWith("app/api/") ? `GET /${file.replace(/\/route\.ts$/, "").slice(4)}` : path.basename(file, ".ts");

const CODES = new Set<string>(ERROR_CODES.filter((c) => c !== "internal"));

interface Tally {
  inputs: number;
  outcomes: Record<string, number>;
}

describe.each(TEST_DATABASES)("fuzzing actions and routes on $kind", ({ kind, available }) => {
  let app: AppDatabase;
  let s: Seed;
  let network: LoopbackOnly;
  const tallies: Record<string, Record<Caller, Tally>> = {};
  const tally = (target: string, who: Caller, outcome: string) => {
    const t = ((tallies[target] ??= {} as Record<Caller, Tally>)[who] ??= { inputs: 0, outcomes: {} });
    t.inputs++;
    t.outcomes[outcome] = (t.outcomes[outcome] ?? 0) + 1;
  };
  let calls = 0;
  // Each action and caller starts from the seeded database (once, not per input: @fast-check/vitest would run a
  // beforeEach hook before every generated input, and restoring costs more than a call).
  let seededFor = "";
  // The database's digest before the next call: taken after each accepted call, so a refused one costs one digest.
  let state: Record<string, string> = {};
  const freshSeedFor = async (file: string, who: Caller) => {
    if (seededFor === `${file}/${who}`) return;
    await restoreSeed();
    state = await fingerprint(app.prisma);
    seededFor = `${file}/${who}`;
  };
  /** After a call: a refused one must have left the database as it was; an accepted one may have changed it. */
  const checkState = async (refused: boolean) => {
    const now = await fingerprint(app.prisma);
    if (refused) expect(now, "a refused call changed the database").toEqual(state);
    state = now;
  };

  beforeAll(async () => {
    if (!available) return;
    network = loopbackOnly();
    app = await openAppDatabase(kind);
    s = await seed(app.prisma);
    await saveSeed();
  }, 120_000);

  afterAll(async () => {
    if (!available) return;
    network.restore();
    await app.close();
    const perTarget = Object.entries(tallies).map(
      ([target, byCaller]) => [target, Object.values(byCaller).reduce((n, t) => n + t.inputs, 0)] as const,
    );
    const total = perTarget.reduce((n, [, c]) => n + c, 0);
    const summary = {
      database: kind,
      runsPerCaller: RUNS,
      callers: CALLERS,
      total,
      perTarget: Object.fromEntries(perTarget),
      detail: tallies,
    };
    mkdirSync(path.join(ROOT, "test-results/fuzz"), { recursive: true });
    writeFileSync(path.join(ROOT, `test-results/fuzz/actions-${kind}.json`), JSON.stringify(summary, null, 2));
    console.log(
      `fuzz summary (${kind}): ${total} generated inputs over ${perTarget.length} actions and routes × ${CALLERS.length} callers (${RUNS} each); ${perTarget.map(([t, n]) => `${label(t)}=${n}`).join(", ")}`,
    );
    expect(network.refused).toEqual([]);
  });

  for (const [file, target] of Object.entries(ACTIONS)) {
    describe(file, () => {
      let call: Call;
      beforeAll(async () => {
        if (available) call = await actionOf(file);
      });

      for (const who of CALLERS) {
        (available ? it : it.skip).prop([target.arbitrary], { numRuns: RUNS, seed: SEED_VALUE })(
          `as ${who}: never internal, and a refused input changes nothing`,
          async (input) => {
            await freshSeedFor(file, who);
            actAs(s, who);
            // Each call from its own address, so the sign-in limiter sees an account's failures, not one address's.
            caller.address = `10.${kind === "pglite" ? 1 : 2}.${(++calls >> 8) & 255}.${calls & 255}`;
            const result = (await call(input)) as {
              ok: boolean;
              error?: { code: string; message: string; fieldErrors?: Record<string, unknown> };
            };
            tally(file, who, result.ok ? "ok" : result.error!.code);
            expect(typeof result.ok).toBe("boolean");
            await checkState(!result.ok);
            if (result.ok) {
              expect(JSON.stringify(result)).not.toContain('"code":"internal"');
              return;
            }
            expect(CODES.has(result.error!.code), `code ${result.error!.code}: ${result.error!.message}`).toBe(true);
            expect(typeof result.error!.message).toBe("string");
            for (const m of Object.values(result.error!.fieldErrors ?? {})) expect(typeof m).toBe("string");
            if (who === "anonymous" && !target.public) expect(result.error!.code).toBe("unauthenticated");
          },
        );
      }
    });
  }

  for (const [file, target] of Object.entries(ROUTES)) {
    describe(file, () => {
      let handler: Handler;
      beforeAll(async () => {
        if (available) handler = await routeOf(file);
      });

      for (const who of CALLERS) {
        (available ? it : it.skip).prop([target.arbitrary], { numRuns: RUNS, seed: SEED_VALUE })(
          `as ${who}: never a 500, and a refused request changes nothing`,
          async ({ params, query: q }) => {
            await freshSeedFor(file, who);
            actAs(s, who);
            const url = new URL(`http://localhost${target.url(params)}`);
            for (const [k, v] of q) url.searchParams.append(k, v);
            const response = await handler(new Request(url), { params: Promise.resolve(params) });
            tally(file, who, String(response.status));
            await checkState(response.status >= 400);
            expect(
              response.status,
              await response
                .clone()
                .text()
                .then((t) => t.slice(0, 300)),
            ).toBeLessThan(500);
            const body = await response.text();
            expect(body).not.toContain('"code":"internal"');
            if (who === "anonymous" && !target.public) expect(response.status).toBe(401);
            if (response.status >= 400) {
              expect(JSON.parse(body)).toMatchObject({
                error: { code: expect.any(String), message: expect.any(String) },
              });
            }
          },
        );
      }
    });
  }
});
