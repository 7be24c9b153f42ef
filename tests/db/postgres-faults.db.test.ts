// Database faults on a private PostgreSQL (the shared server is never restarted): a restart during use fails the
// requests in flight with a coded answer (not `internal`), the pool reconnects and the next request works; a Keyhold
// process killed with SIGKILL inside the save of a configuration leaves the old row, never a half-written one.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { PrismaClient } from "../../lib/db/generated/client";
import { privatePostgresAvailable, startPrivatePostgres, type PrivatePostgres } from "../support/private-postgres";

// A port of this suite's block on loopback; a private cluster that only this file uses.
const PORT = Number(process.env.KEYHOLD_FAULTS_PG_PORT ?? 31454);
process.env.KEYHOLD_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");

const session = vi.hoisted(() => ({
  current: {
    userId: "u1",
    actor: "admin@example.test",
    name: "Admin",
    bindings: [{ role: "instance-admin", tenantId: null, namespace: null }],
  },
}));
vi.mock("../../lib/auth/session", () => ({ currentSession: async () => session.current }));

let pg: PrivatePostgres;
let tenantId = "";
const mods = {} as {
  runGuarded: typeof import("../../lib/server/guard").runGuarded;
  db: typeof import("../../lib/db/client").db;
  closeDb: typeof import("../../lib/db/client").closeDb;
  saveConfig: typeof import("../../lib/managers/config-store").saveConfig;
  resolveScope: typeof import("../../lib/managers/scope").resolveScope;
};

beforeAll(async () => {
  if (!privatePostgresAvailable) return;
  pg = startPrivatePostgres(PORT);
  process.env.DATABASE_URL = pg.url;
  Object.assign(mods, await import("../../lib/server/guard"), await import("../../lib/db/client"));
  Object.assign(mods, await import("../../lib/managers/config-store"), await import("../../lib/managers/scope"));
  const prisma = await mods.db();
  const tenant = await prisma.tenant.create({ data: { slug: "acme", displayName: "Acme" } });
  tenantId = tenant.id;
  await prisma.namespace.create({ data: { tenantId, path: "company" } });
}, 120_000);

afterAll(async () => {
  if (!privatePostgresAvailable) return;
  await mods.closeDb?.();
  pg?.stop();
  delete process.env.DATABASE_URL;
});

const call = (run: (prisma: PrismaClient) => Promise<unknown>) =>
  mods.runGuarded(
    {
      name: "test.call",
      permission: "tenant:read" as const,
      input: z.strictObject({ tenant: z.string() }),
      tenant: (i: { tenant: string }) => i.tenant,
      run: ({ prisma }: { prisma: PrismaClient }) => run(prisma),
    },
    { tenant: "acme" },
  );

const vaultDoc = (prefix: string) => ({
  type: "vault",
  "read-only": true,
  vault: { address: "https://vault.example.com:8200", "secret-path-prefix": prefix, token: { token: "t-1" } },
});

describe.skipIf(!privatePostgresAvailable)("PostgreSQL faults (private cluster)", () => {
  it("a restart fails the request in flight with a coded answer; the pool reconnects and the next one works", async () => {
    expect(await call((p) => p.tenant.count())).toEqual({ ok: true, data: 1 });
    const inFlight = call((p) => p.$queryRaw`SELECT pg_sleep(5)`);
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    await pg.restart();
    const answer = await inFlight;
    expect(answer).toMatchObject({ ok: false, error: { code: "unreachable" } });
    expect((answer as { error: { message: string } }).error.message).toMatch(/database is unavailable/);
    expect(Date.now() - started).toBeLessThan(10_000);
    // Idle connections saw the server go too: the next requests open new ones.
    expect(await call((p) => p.tenant.count())).toEqual({ ok: true, data: 1 });
    await pg.restart();
    expect(await call((p) => p.tenant.count())).toEqual({ ok: true, data: 1 });
  }, 60_000);

  it("SIGKILL inside the save's transaction leaves the old row (and no audit entry); a save afterwards works", async () => {
    const prisma = await mods.db();
    const scope = await mods.resolveScope(prisma, tenantId, "company");
    await mods.saveConfig(
      prisma,
      scope,
      {
        expectedVersion: null,
        enabled: true,
        document: vaultDoc("old"),
        keepCredentials: [],
      },
      "tester",
    );
    const before = await prisma.secretsManagerConfig.findFirstOrThrow({ where: { tenantId } });
    const audits = await prisma.auditEvent.count();

    const child = spawn(
      process.execPath,
      [
        "--conditions=react-server",
        "--import",
        "tsx",
        "tests/support/save-config-child.ts",
        tenantId,
        "company",
        JSON.stringify(vaultDoc("new")),
        String(before.version),
      ],
      {
        env: { ...process.env, DATABASE_URL: pg.url, KEYHOLD_TEST_PAUSE_AT: "config-save", NODE_ENV: "test" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    const paused = await new Promise<boolean>((resolve) => {
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes("KEYHOLD_TEST_PAUSED config-save")) resolve(true);
      });
      child.on("exit", () => resolve(false));
    });
    expect(paused, `the child did not reach the hook: ${stderr.slice(0, 500)}`).toBe(true);
    // At the hook every statement of the save has run on the server, uncommitted.
    const [{ n }] = await prisma.$queryRaw<
      { n: bigint }[]
    >`SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'idle in transaction' AND datname = current_database()`;
    expect(Number(n)).toBe(1);
    const exited = new Promise((r) => child.on("exit", r));
    child.kill("SIGKILL");
    await exited;

    const after = await prisma.secretsManagerConfig.findFirstOrThrow({ where: { tenantId } });
    expect(after.version).toBe(before.version);
    expect(after.settings).toEqual(before.settings);
    expect(after.credentials).toBe(before.credentials);
    expect(await prisma.auditEvent.count()).toBe(audits);

    // The server rolled the killed transaction back and released its row lock: the next save goes through at once.
    const started = Date.now();
    await mods.saveConfig(
      prisma,
      scope,
      {
        expectedVersion: before.version,
        enabled: true,
        document: vaultDoc("newer"),
        keepCredentials: [],
      },
      "tester",
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    const saved = await prisma.secretsManagerConfig.findFirstOrThrow({ where: { tenantId } });
    expect(saved.version).toBe(before.version + 1);
    expect((saved.settings as { vault: { "secret-path-prefix": string } }).vault["secret-path-prefix"]).toBe("newer");
  }, 90_000);
});
