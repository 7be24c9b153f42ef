import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";

// The guard uses the process-wide database: point it at a throw-away PGlite folder first.
process.env.KEYHOLD_DATA_DIR = mkdtempSync(path.join(tmpdir(), "keyhold-guard-"));
delete process.env.DATABASE_URL;

// The session seam: each test says who calls.
const session = vi.hoisted(() => ({
  current: null as null | { userId: string; actor: string; name: string; bindings: unknown[] },
}));
vi.mock("../../lib/auth/session", () => ({ currentSession: async () => session.current }));
const ADMIN = {
  userId: "u1",
  actor: "admin@example.test",
  name: "Admin",
  bindings: [{ role: "instance-admin", tenantId: null, namespace: null }],
};
session.current = ADMIN;

const { runGuarded } = await import("../../lib/server/guard");
const { closeDb, db } = await import("../../lib/db/client");
const { KeyholdError } = await import("../../lib/errors");

afterAll(async () => {
  await closeDb();
  rmSync(process.env.KEYHOLD_DATA_DIR!, { recursive: true, force: true });
});

const spec = <R>(run: () => Promise<R>) => ({
  name: "test.call",
  permission: "tenant:read" as const,
  input: z.strictObject({ tenant: z.string().min(2, "Too short") }),
  tenant: (i: { tenant: string }) => i.tenant,
  run,
});

describe("the guard in front of every action and handler", () => {
  it("validates input before anything else and reports field errors", async () => {
    const run = vi.fn();
    const result = await runGuarded(spec(run), { tenant: "a", extra: 1 });
    expect(result).toEqual({
      ok: false,
      error: {
        code: "invalid-input",
        message: "Some fields need attention.",
        fieldErrors: { tenant: "Too short", _: expect.stringContaining("extra") },
      },
    });
    expect(run).not.toHaveBeenCalled();
  });

  it("resolves the tenant and refuses an unknown one", async () => {
    const run = vi.fn();
    expect(await runGuarded(spec(run), { tenant: "nobody" })).toEqual({
      ok: false,
      error: { code: "not-found", message: "Tenant 'nobody' does not exist." },
    });
    expect(run).not.toHaveBeenCalled();

    const prisma = await db();
    const created = await prisma.tenant.create({ data: { slug: "acme", displayName: "Acme" } });
    const result = await runGuarded(
      { ...spec(async () => "x"), run: async (ctx: { tenant: unknown }) => ctx.tenant },
      { tenant: "acme" },
    );
    expect(result).toEqual({ ok: true, data: { id: created.id, slug: "acme" } });
  });

  it("passes typed errors through as { code, message }", async () => {
    const result = await runGuarded(
      spec(async () => Promise.reject(new KeyholdError("conflict", "Changed meanwhile."))),
      { tenant: "acme" },
    );
    expect(result).toEqual({ ok: false, error: { code: "conflict", message: "Changed meanwhile." } });
  });

  it("hides unexpected errors behind a reference, without their message", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const result = await runGuarded(
      spec(async () => Promise.reject(new Error("password=CANARY-hunter2"))),
      { tenant: "acme" },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("internal");
    expect(result.error.message).toMatch(/^Something went wrong \(reference [0-9a-f]{8}\)\. Nothing was changed\.$/);
    expect(JSON.stringify(log.mock.calls)).not.toContain("CANARY");
    expect(JSON.stringify(log.mock.calls)).toContain("test.call");
    log.mockRestore();
  });

  it("refuses a caller without a session before reading input", async () => {
    session.current = null;
    const run = vi.fn();
    expect(await runGuarded(spec(run), { tenant: "a" })).toEqual({
      ok: false,
      error: { code: "unauthenticated", message: "Sign in to continue." },
    });
    expect(run).not.toHaveBeenCalled();
    session.current = ADMIN;
  });

  it("checks the binding on the namespace named by the input, and audits a refused change", async () => {
    const prisma = await db();
    const acme = await prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } });
    session.current = {
      userId: "u2",
      actor: "ed@example.test",
      name: "Ed",
      bindings: [{ role: "namespace-editor", tenantId: acme.id, namespace: "company.team" }],
    };
    const write = {
      name: "secret.create",
      permission: "secret:write" as const,
      input: z.strictObject({ tenant: z.string(), namespace: z.string() }),
      tenant: (i: { tenant: string }) => i.tenant,
      namespace: (i: { namespace: string }) => i.namespace,
      run: async () => "written",
    };
    expect(await runGuarded(write, { tenant: "acme", namespace: "company.team.etl" })).toEqual({
      ok: true,
      data: "written",
    });
    expect(await runGuarded(write, { tenant: "acme", namespace: "company" })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
    // An unknown tenant is "forbidden" to anyone but an instance administrator, so names cannot be probed.
    expect(await runGuarded(write, { tenant: "nobody", namespace: "company.team" })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
    const refused = await prisma.auditEvent.findMany({ where: { outcome: "forbidden", actor: "ed@example.test" } });
    expect(refused.map((r) => [r.action, r.namespace, r.tenantId])).toEqual(
      expect.arrayContaining([
        ["secret.create", "company", acme.id],
        ["secret.create", "company.team", null],
      ]),
    );
    session.current = ADMIN;
  });

  it("runs public calls without a session", async () => {
    session.current = null;
    const result = await runGuarded(
      {
        name: "public",
        permission: "public",
        input: z.object({}),
        run: async (ctx: { session: unknown }) => ctx.session,
      },
      {},
    );
    expect(result).toEqual({ ok: true, data: null });
    session.current = ADMIN;
  });
});
