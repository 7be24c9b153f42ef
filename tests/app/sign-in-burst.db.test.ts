// Issue 8, section 4: a burst of parallel sign-ins checks at most the limit's number of passwords.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TEST_DATABASES } from "../support/test-db";
import { openAppDatabase, seed, type AppDatabase, type Seed } from "../support/guarded-app";

vi.mock("../../lib/auth/session", async (original) => ({
  ...(await original<object>()),
  currentSession: (await import("../support/guarded-app")).sessionOfCaller,
}));
vi.mock("next/headers", async () => (await import("../support/guarded-app")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("../support/guarded-app")).nextCacheMock);

const { signIn } = await import("../../lib/auth/sign-in");
const { PrismaClient } = await import("../../lib/db/generated/client");
const { openDriver } = await import("../../lib/db/driver");

const BURST = 30;
const WRONG = "not-the-password-at-all";

describe.each(TEST_DATABASES)("sign-in bursts on $kind", ({ kind, available }) => {
  let app: AppDatabase;
  let s: Seed;

  beforeAll(async () => {
    if (!available) return;
    app = await openAppDatabase(kind);
    s = await seed(app.prisma);
  });
  afterAll(() => app?.close());

  const headersFrom = (address: string) => new Headers({ "x-keyhold-client-ip": address });
  const attempt = (prisma: typeof app.prisma, email: string, password: string, address: string) =>
    signIn(prisma, headersFrom(address), email, password).then(
      () => "signed-in",
      (e: { code?: string }) => e.code ?? "error",
    );
  const outcomes = async (actor: string) =>
    Object.fromEntries(
      (
        await app.prisma.auditEvent.groupBy({ by: ["outcome"], where: { action: "auth.sign-in", actor }, _count: true })
      ).map((g) => [g.outcome, g._count]),
    );

  it.skipIf(!available)(
    `${BURST} parallel wrong passwords for one account check at most 5, and the right one is then refused`,
    async () => {
      const email = s.emails["tenant-admin"];
      const results = await Promise.all(
        Array.from({ length: BURST }, (_, i) => attempt(app.prisma, email, WRONG, `10.1.0.${i}`)),
      );
      const checked = (await outcomes(email)).failure ?? 0;
      expect(checked).toBeLessThanOrEqual(5);
      expect(checked).toBeGreaterThanOrEqual(1);
      expect(results.filter((r) => r === "rate-limited")).toHaveLength(BURST - checked);
      expect(await attempt(app.prisma, email, (await import("../support/guarded-app")).PASSWORD, "10.1.1.1")).toBe(
        "rate-limited",
      );
    },
  );

  it.skipIf(!available)(`${BURST} parallel tries from one address over many accounts check at most 20`, async () => {
    const results = await Promise.all(
      Array.from({ length: BURST }, (_, i) => attempt(app.prisma, `nobody${i}@spray.test`, WRONG, "10.9.9.9")),
    );
    const failures = await app.prisma.auditEvent.count({
      where: { action: "auth.sign-in", outcome: "failure", actor: { endsWith: "@spray.test" } },
    });
    expect(failures).toBeLessThanOrEqual(20);
    expect(results.filter((r) => r === "rate-limited")).toHaveLength(BURST - failures);
  });

  it.skipIf(!available)(
    "a try refused by one limit does not use up the other: a locked account does not lock its address, nor the reverse",
    async () => {
      const { PASSWORD } = await import("../support/guarded-app");
      // Lock one account from an office address, then keep hammering it from there: nothing more is checked.
      const locked = s.emails["namespace-editor"];
      for (let i = 0; i < 5; i++) expect(await attempt(app.prisma, locked, WRONG, "10.3.0.1")).toBe("unauthenticated");
      const hammer = await Promise.all(
        Array.from({ length: BURST }, () => attempt(app.prisma, locked, WRONG, "10.3.0.1")),
      );
      expect(hammer.every((r) => r === "rate-limited")).toBe(true);
      // Everyone else behind that address still signs in: only 5 passwords were checked from it.
      expect(await attempt(app.prisma, s.emails["instance-admin"], PASSWORD, "10.3.0.1")).toBe("signed-in");
      // An address locked by spraying cannot lock an account it was refused for: no password of that account was checked.
      for (let i = 0; i < 20; i++)
        expect(await attempt(app.prisma, `sprayed${i}@spray2.test`, WRONG, "10.4.0.1")).toBe("unauthenticated");
      const refused = await Promise.all(
        Array.from({ length: 10 }, () => attempt(app.prisma, s.emails["instance-admin"], WRONG, "10.4.0.1")),
      );
      expect(refused.every((r) => r === "rate-limited")).toBe(true);
      expect(await attempt(app.prisma, s.emails["instance-admin"], PASSWORD, "10.4.0.2")).toBe("signed-in");
    },
  );

  it.skipIf(!available || kind !== "postgres")("two instances on one database share the limit", async () => {
    // A second Prisma client with its own connection pool, as a second Keyhold process would have.
    const driver = openDriver({ databaseUrl: process.env.DATABASE_URL!, dataDir: "/tmp" });
    const other = new PrismaClient({ adapter: driver.adapter });
    try {
      const email = s.emails.viewer;
      const results = await Promise.all(
        Array.from({ length: BURST }, (_, i) => attempt(i % 2 ? other : app.prisma, email, WRONG, `10.2.0.${i}`)),
      );
      const checked = (await outcomes(email)).failure ?? 0;
      expect(checked).toBeLessThanOrEqual(5);
      expect(results.filter((r) => r === "rate-limited")).toHaveLength(BURST - checked);
    } finally {
      await other.$disconnect();
      await driver.close();
    }
  });
});
