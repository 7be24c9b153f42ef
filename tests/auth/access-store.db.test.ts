import { beforeEach, describe, expect, it } from "vitest";
import { PrismaClient } from "../../lib/db/generated/client";
import { migratedPrisma, TEST_DATABASES } from "../support/test-db";
import { KeyholdError } from "../../lib/errors";
import { createFirstAdmin, ensureAdminFromEnv, hasInstanceAdmin } from "../../lib/auth/first-admin";
import { verifyPassword } from "../../lib/auth/password";
import { release, reserve } from "../../lib/auth/rate-limit";
import { releaseSignIn, reserveSignIn, SIGN_IN_LIMITS } from "../../lib/auth/sign-in-limit";
import { addTenantUser, listTenantUsers, removeTenantUser, revokeRole } from "../../lib/users/tenant-users";
import { queryAudit } from "../../lib/audit/query";

const PASSWORD = "CANARY-first-admin-password";

// Sign-in, users and audit against a real database, on PGlite and on PostgreSQL.
describe.each(TEST_DATABASES)("access-control storage on $kind", ({ kind, available }) => {
  const database = migratedPrisma(kind, available);
  let prisma: PrismaClient;
  let acme: { id: string; slug: string };
  let globex: { id: string; slug: string };

  beforeEach(async () => {
    if (!available) return;
    prisma = database.get();
    await prisma.auditEvent.deleteMany();
    await prisma.user.deleteMany();
    await prisma.tenant.deleteMany();
    acme = await prisma.tenant.create({
      data: { slug: "acme", displayName: "Acme" },
      select: { id: true, slug: true },
    });
    globex = await prisma.tenant.create({
      data: { slug: "globex", displayName: "Globex" },
      select: { id: true, slug: true },
    });
    await prisma.namespace.createMany({
      data: [
        { tenantId: acme.id, path: "company" },
        { tenantId: globex.id, path: "company" },
      ],
    });
  });

  it.skipIf(!available)(
    "creates the first administrator once, with an argon2id hash, even when two try at once",
    async () => {
      expect(await hasInstanceAdmin(prisma)).toBe(false);
      const attempts = await Promise.allSettled([
        createFirstAdmin(prisma, { email: "a@x.test", name: "A", password: PASSWORD }, "setup-page"),
        createFirstAdmin(prisma, { email: "b@x.test", name: "B", password: PASSWORD }, "setup-page"),
      ]);
      expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(1);
      const refused = attempts.find((a) => a.status === "rejected") as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(KeyholdError);
      expect(await prisma.roleBinding.count({ where: { role: "INSTANCE_ADMIN" } })).toBe(1);
      const account = await prisma.account.findFirstOrThrow({ where: { providerId: "credential" } });
      expect(account.password).toMatch(/^\$argon2id\$/);
      expect(await verifyPassword({ hash: account.password!, password: PASSWORD })).toBe(true);
      expect(await verifyPassword({ hash: account.password!, password: "wrong" })).toBe(false);
      expect(JSON.stringify(await prisma.auditEvent.findMany())).not.toContain(PASSWORD);
    },
  );

  it.skipIf(!available)(
    "creates the administrator from the environment only when none exists, and rejects a weak password",
    async () => {
      expect(await ensureAdminFromEnv(prisma, {})).toBe("not-configured");
      await expect(
        ensureAdminFromEnv(prisma, { KEYHOLD_ADMIN_EMAIL: "ops@x.test", KEYHOLD_ADMIN_PASSWORD: "short" }),
      ).rejects.toThrow("KEYHOLD_ADMIN_PASSWORD: At least 12 characters");
      expect(
        await ensureAdminFromEnv(prisma, { KEYHOLD_ADMIN_EMAIL: "Ops@X.test", KEYHOLD_ADMIN_PASSWORD: PASSWORD }),
      ).toBe("created");
      expect(await prisma.user.findUnique({ where: { email: "ops@x.test" } })).not.toBeNull();
      expect(
        await ensureAdminFromEnv(prisma, { KEYHOLD_ADMIN_EMAIL: "other@x.test", KEYHOLD_ADMIN_PASSWORD: PASSWORD }),
      ).toBe("exists");
    },
  );

  it.skipIf(!available)(
    "limits sign-in tries per account and per address within the window, and gives back a success",
    async () => {
      const now = new Date();
      const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
      for (let i = 0; i < SIGN_IN_LIMITS.perAccount; i++)
        expect(await reserveSignIn(prisma, "victim@x.test", "10.0.0.1", at(i))).toBe(0);
      expect(await reserveSignIn(prisma, "Victim@x.test", "10.0.0.9", at(3))).toBe(SIGN_IN_LIMITS.windowMinutes - 3);
      expect(await reserveSignIn(prisma, "someone@x.test", "10.0.0.9", at(3))).toBe(0);
      // A refused try does not extend the window, and the next window starts afresh.
      expect(await reserveSignIn(prisma, "victim@x.test", "10.0.0.9", at(SIGN_IN_LIMITS.windowMinutes))).toBe(0);
      // A success gives its try back: only failures count.
      for (let i = 0; i < 10; i++) {
        expect(await reserveSignIn(prisma, "good@x.test", "10.0.0.3", now)).toBe(0);
        await releaseSignIn(prisma, "good@x.test", "10.0.0.3");
      }
      // Refused tries use nothing up: after 5 allowed and 3 refused, giving one back allows exactly one more.
      const limit = { bucket: "test:refused", limit: 5, windowMs: 60_000 };
      const tries = async (n: number) =>
        (await Promise.all(Array.from({ length: n }, () => reserve(prisma, limit, now)))).filter((r) => r.allowed)
          .length;
      expect(await tries(8)).toBe(5);
      await release(prisma, limit.bucket);
      expect(await tries(3)).toBe(1);
      // One address spraying many accounts is limited too.
      for (let i = 0; i < SIGN_IN_LIMITS.perAddress; i++)
        expect(await reserveSignIn(prisma, `user${i}@x.test`, "10.6.6.6", now)).toBe(0);
      expect(await reserveSignIn(prisma, "fresh@x.test", "10.6.6.6", now)).toBeGreaterThan(0);
      expect(await reserveSignIn(prisma, "fresh2@x.test", "10.0.0.7", now)).toBe(0);
    },
  );

  it.skipIf(!available)("manages users per tenant, never reaching another tenant's bindings", async () => {
    await addTenantUser(prisma, acme, "admin@x.test", {
      tenant: "acme",
      email: "ed@x.test",
      name: "Ed",
      password: "ed-password-123",
      role: "namespace-editor",
      namespace: "company",
    });
    await expect(
      addTenantUser(prisma, acme, "admin@x.test", {
        tenant: "acme",
        email: "ed@x.test",
        role: "namespace-editor",
        namespace: "company",
      }),
    ).rejects.toThrow("already has this role");
    await expect(
      addTenantUser(prisma, acme, "admin@x.test", {
        tenant: "acme",
        email: "new@x.test",
        role: "viewer",
        namespace: null,
      }),
    ).rejects.toMatchObject({ fieldErrors: { name: expect.any(String), password: expect.any(String) } });
    expect(await prisma.user.count({ where: { email: "new@x.test" } })).toBe(0);
    await expect(
      addTenantUser(prisma, acme, "admin@x.test", {
        tenant: "acme",
        email: "ed@x.test",
        role: "viewer",
        namespace: "nope",
      }),
    ).rejects.toMatchObject({ fieldErrors: { namespace: "Namespace 'nope' does not exist" } });
    // An existing account is granted a role in another tenant without a new password.
    await addTenantUser(prisma, globex, "admin@x.test", {
      tenant: "globex",
      email: "ed@x.test",
      role: "viewer",
      namespace: null,
    });
    const [acmeEd] = await listTenantUsers(prisma, acme.id);
    const [globexEd] = await listTenantUsers(prisma, globex.id);
    expect(acmeEd.roles).toEqual([{ id: expect.any(String), role: "namespace-editor", namespace: "company" }]);

    await expect(revokeRole(prisma, globex, "admin@x.test", acmeEd.roles[0].id)).rejects.toThrow(
      "does not exist in this tenant",
    );
    await removeTenantUser(prisma, acme, "admin@x.test", acmeEd.userId);
    expect(await listTenantUsers(prisma, acme.id)).toEqual([]);
    expect(await listTenantUsers(prisma, globex.id)).toEqual([globexEd]);

    const audit = await queryAudit(prisma, acme.id, {});
    expect(audit.rows.map((r) => r.action)).toEqual(["user.removed", "role.granted", "user.created"]);
    expect(JSON.stringify(audit.rows)).not.toContain("ed-password-123");
    expect((await queryAudit(prisma, globex.id, {})).rows.map((r) => r.action)).toEqual(["role.granted"]);
    expect((await queryAudit(prisma, null, { action: "role." })).total).toBe(2);
  });
});
