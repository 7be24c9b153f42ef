// Test kit: the app's own server actions and route handlers on a real, seeded database (PGlite or PostgreSQL), called
// through the guard as a chosen user. A test file mocks three seams with `appMocks` (see below): the session cookie
// (`lib/auth/session`), `next/headers` and `next/cache`, which need a Next.js request outside of one.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { PrismaClient } from "../../lib/db/generated/client";
import type { Binding, Role } from "../../lib/auth/permissions";
import { dropTestDatabase, type TestDbKind } from "./test-db";

export const CALLERS = ["instance-admin", "tenant-admin", "namespace-editor", "viewer", "anonymous"] as const;
export type Caller = (typeof CALLERS)[number];

export const PASSWORD = "fuzz-password-1234";

/** Who the mocked session says is calling, and from which address (sign-in limits count per address). */
export const caller: { userId: string | null; address: string } = { userId: null, address: "127.0.0.1" };

const ROLE: Record<string, Role> = {
  INSTANCE_ADMIN: "instance-admin",
  TENANT_ADMIN: "tenant-admin",
  NAMESPACE_EDITOR: "namespace-editor",
  VIEWER: "viewer",
};

/** Stands in for `currentSession`: the caller's user and role bindings, read from the database on every call as the real one does. */
export async function sessionOfCaller() {
  if (!caller.userId) return null;
  const { db } = await import("../../lib/db/client");
  const prisma = await db();
  const user = await prisma.user.findUnique({
    where: { id: caller.userId },
    select: { id: true, email: true, name: true },
  });
  if (!user) return null;
  const rows = await prisma.roleBinding.findMany({
    where: { userId: user.id },
    select: { role: true, tenantId: true, namespace: true },
  });
  const bindings: Binding[] = rows.map((r) => ({ role: ROLE[r.role], tenantId: r.tenantId, namespace: r.namespace }));
  return { userId: user.id, actor: user.email, name: user.name, bindings };
}

/** `next/headers` outside a request: the caller's address, no cookies. */
export const nextHeadersMock = {
  headers: async () => new Headers({ "x-keyhold-client-ip": caller.address }),
  cookies: async () => ({
    get: () => undefined,
    getAll: () => [],
    has: () => false,
    set: () => undefined,
    delete: () => undefined,
  }),
};

export const nextCacheMock = { revalidatePath: () => undefined, revalidateTag: () => undefined };

export interface AppDatabase {
  kind: TestDbKind;
  prisma: PrismaClient;
  close(): Promise<void>;
}

async function admin(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Points the process-wide database (`lib/db/client`, which the guard uses) at a new, empty database of `kind`
 * and migrates it. One at a time: close it before opening the next.
 */
export async function openAppDatabase(kind: TestDbKind): Promise<AppDatabase> {
  const { closeDb, db } = await import("../../lib/db/client");
  await closeDb();
  // better-auth holds the Prisma client it was created with.
  (globalThis as { __keyholdAuth?: unknown }).__keyholdAuth = undefined;
  process.env.KEYHOLD_ENCRYPTION_KEY ??= Buffer.alloc(32, 11).toString("base64");
  const dataDir = mkdtempSync(path.join(tmpdir(), "keyhold-app-"));
  process.env.KEYHOLD_DATA_DIR = dataDir;
  let dropDatabase: () => Promise<void> = async () => undefined;
  if (kind === "postgres") {
    const adminUrl = process.env.KEYHOLD_TEST_PG_URL!;
    const name = `keyhold_app_${process.pid}_${randomBytes(4).toString("hex")}`;
    await admin(adminUrl, `CREATE DATABASE "${name}"`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    process.env.DATABASE_URL = url.toString();
    dropDatabase = () => dropTestDatabase(adminUrl, name);
  } else {
    delete process.env.DATABASE_URL;
  }
  const prisma = await db();
  return {
    kind,
    prisma,
    close: async () => {
      // Background scans of the secrets index still running would lose their connection to the dropped database.
      const { runningScans } = await import("../../lib/secrets/index/freshness");
      await Promise.all(runningScans());
      await closeDb();
      (globalThis as { __keyholdAuth?: unknown }).__keyholdAuth = undefined;
      await dropDatabase();
      delete process.env.DATABASE_URL;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Fixed ids, so property-based tests can name seeded rows in arbitraries built before the database exists. */
export const SEED = {
  users: {
    "instance-admin": "seed-user-instance-admin",
    "tenant-admin": "seed-user-tenant-admin",
    "namespace-editor": "seed-user-namespace-editor",
    viewer: "seed-user-viewer",
  },
  emails: {
    "instance-admin": "root@keyhold.test",
    "tenant-admin": "owner@acme.test",
    "namespace-editor": "editor@acme.test",
    viewer: "viewer@acme.test",
  },
  bindings: {
    "instance-admin": "00000000-0000-4000-8000-000000000001",
    "tenant-admin": "00000000-0000-4000-8000-000000000002",
    "namespace-editor": "00000000-0000-4000-8000-000000000003",
    viewer: "00000000-0000-4000-8000-000000000004",
  },
} as const;

export interface Seed {
  acme: { id: string; slug: string };
  globex: { id: string; slug: string };
  /** User id per signed-in caller. */
  users: Record<Exclude<Caller, "anonymous">, string>;
  emails: Record<Exclude<Caller, "anonymous">, string>;
}

/**
 * Two tenants (acme, globex), namespaces company and company.team in each, one user per role in acme (the namespace
 * editor on company.team), and builtin secrets in acme: API_KEY (text) in company and DB (a JSON object) in company.team.
 */
export async function seed(prisma: PrismaClient): Promise<Seed> {
  const { hashPassword } = await import("../../lib/auth/password");
  const { createBuiltinBackend } = await import("../../lib/backends/builtin/adapter");
  const acme = await prisma.tenant.create({
    data: { slug: "acme", displayName: "Acme" },
    select: { id: true, slug: true },
  });
  const globex = await prisma.tenant.create({
    data: { slug: "globex", displayName: "Globex" },
    select: { id: true, slug: true },
  });
  for (const t of [acme, globex])
    await prisma.namespace.createMany({
      data: [
        { tenantId: t.id, path: "company" },
        { tenantId: t.id, path: "company.team" },
      ],
    });
  const password = await hashPassword(PASSWORD);
  for (const role of Object.keys(SEED.users) as (keyof typeof SEED.users)[]) {
    const id = SEED.users[role];
    await prisma.user.create({ data: { id, email: SEED.emails[role], name: role, emailVerified: true } });
    await prisma.account.create({
      data: { id: `${id}-account`, accountId: id, providerId: "credential", userId: id, password },
    });
  }
  const bind = (
    role: keyof typeof SEED.users,
    data: {
      role: "INSTANCE_ADMIN" | "TENANT_ADMIN" | "NAMESPACE_EDITOR" | "VIEWER";
      tenantId?: string;
      namespace?: string;
    },
  ) => prisma.roleBinding.create({ data: { id: SEED.bindings[role], userId: SEED.users[role], ...data } });
  await bind("instance-admin", { role: "INSTANCE_ADMIN" });
  await bind("tenant-admin", { role: "TENANT_ADMIN", tenantId: acme.id });
  await bind("namespace-editor", { role: "NAMESPACE_EDITOR", tenantId: acme.id, namespace: "company.team" });
  await bind("viewer", { role: "VIEWER", tenantId: acme.id });
  const builtin = createBuiltinBackend(prisma, acme.id);
  await builtin.write({
    tenant: "acme",
    namespace: "company",
    key: "API_KEY",
    value: "s3cr3t",
    description: "An API key",
    tags: { team: "core" },
  });
  await builtin.write({
    tenant: "acme",
    namespace: "company.team",
    key: "DB",
    value: JSON.stringify({ user: "app", password: "pw" }),
    description: null,
    tags: {},
  });
  return { acme, globex, users: { ...SEED.users }, emails: { ...SEED.emails } };
}

/** Tables in an order that satisfies their foreign keys. */
const ALL_TABLES = [
  "Tenant",
  "User",
  "Namespace",
  "SecretsManagerConfig",
  "BuiltinSecret",
  "AuditEvent",
  "Session",
  "Account",
  "Verification",
  "RoleBinding",
  "ApiToken",
  "RateLimitBucket",
  "SecretIndexSource",
  "SecretIndexEntry",
];

/** Copies every table into the schema `fuzz_seed`, so `restoreSeed` can put the seeded state back in one round trip. */
export async function saveSeed(): Promise<void> {
  const { dbDriver } = await import("../../lib/db/client");
  await dbDriver().exec(
    `DROP SCHEMA IF EXISTS fuzz_seed CASCADE; CREATE SCHEMA fuzz_seed; ${ALL_TABLES.map((t) => `CREATE TABLE fuzz_seed."${t}" AS SELECT * FROM public."${t}";`).join(" ")}`,
  );
}

/** Puts the tables back as `saveSeed` found them (the secrets index included). */
export async function restoreSeed(): Promise<void> {
  const { dbDriver } = await import("../../lib/db/client");
  await dbDriver().exec(
    `TRUNCATE ${ALL_TABLES.map((t) => `public."${t}"`).join(", ")} CASCADE; ${ALL_TABLES.map((t) => `INSERT INTO public."${t}" SELECT * FROM fuzz_seed."${t}";`).join(" ")}`,
  );
}

export function actAs(s: Seed, who: Caller): void {
  caller.userId = who === "anonymous" ? null : s.users[who];
}

const TABLES = [
  "Tenant",
  "Namespace",
  "SecretsManagerConfig",
  "BuiltinSecret",
  "User",
  "Account",
  "Session",
  "Verification",
  "RoleBinding",
] as const;

/**
 * A digest of every table's rows, in one query. Audit rows that record a refusal or a failed attempt (anything but
 * outcome `success`) are left out: writing them is how refusals are audited, not a change of state.
 */
export async function fingerprint(prisma: PrismaClient): Promise<Record<string, string>> {
  const digest = (table: string, where = "") =>
    `(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM "${table}" t ${where}) AS "${table}"`;
  const sql = `SELECT ${[...TABLES.map((t) => digest(t)), digest("AuditEvent", `WHERE t.outcome = 'success'`)].join(", ")}`;
  const [row] = await prisma.$queryRawUnsafe<Record<string, string>[]>(sql);
  return row;
}

/** Calls a route handler as Next.js does: `params` already decoded once by Next's router. */
export async function callRoute(
  handler: (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>,
  pathAndQuery: string,
  params: Record<string, string>,
): Promise<Response> {
  return handler(new Request(`http://localhost${pathAndQuery}`), { params: Promise.resolve(params) });
}
