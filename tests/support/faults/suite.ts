// The fault suite, one backend per test file (tests/faults/<backend>.emulator.test.ts): Toxiproxy in front of a
// private server, plus the faults no proxy makes (TLS, broken answers, throttling). Every fault ends in its coded
// answer within the configured timeout plus one second: never a hang, never `internal`, never a partial list.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../../lib/db/generated/client";
import { refreshSource, sourceState } from "../../../lib/secrets/index/store";
import { emulatorsDisabled } from "../emulators";
import { indexDatabase } from "../index-db";
import { loopbackOnly } from "../loopback-only";
import { Toxiproxy, type ToxiProxy } from "../toxiproxy";
import { FAULTS, resetAfterFirstPage, runFault, runThrottle, type Fault, type FaultWorld } from "./scenarios";
import { TARGETS, type FaultTarget, type TargetId } from "./targets";

/** The configured per-call timeout of every adapter here: short, so that the suite stays quick. */
export const TIMEOUT_MS = 1_500;
const WITHIN = TIMEOUT_MS + 1_000;

/** What each fault must end in. */
const EXPECTED: Record<Fault, string[]> = {
  "latency above timeout": ["timeout"],
  "latency below timeout": ["ok"],
  // Reset on every connection from page 2 on: the SDKs' one retry is reset too.
  "reset mid-list": ["unreachable"],
  "stalled socket": ["timeout"],
  "bandwidth 16 KB/s": ["ok", "timeout"],
  "server stopped": ["unreachable"],
  "server restarted": ["ok"],
  "TLS to a plain port": ["tls"],
  "certificate for another name": ["tls"],
  "HTML answer": ["invalid-response"],
  "truncated answer": ["invalid-response"],
};

/** Faults whose time is not one call's: several pages each under the timeout, or the time to recover. */
const NOT_ONE_CALL: Fault[] = ["latency below timeout", "bandwidth 16 KB/s", "server restarted", "reset mid-list"];

export interface FaultContext {
  target: FaultTarget;
  toxiproxy: Toxiproxy;
  proxy: ToxiProxy;
  /** The index database (PGlite), for the suites that ask for it. */
  prisma: PrismaClient;
}

/**
 * `index`: also check, on a real index database, that a reset mid-list keeps the previous generation served (the
 * store is the same for every backend: one backend's file checks it). `more`: tests that share the file's servers.
 */
export function faultSuite(
  id: TargetId,
  options: { index?: boolean; more?: (ctx: () => FaultContext) => void } = {},
): void {
  describe.skipIf(emulatorsDisabled)(`faults: ${id}`, () => {
    const db = options.index ? indexDatabase("pglite") : null;
    let target: FaultTarget;
    let toxiproxy: Toxiproxy;
    let proxy: ToxiProxy;
    let world: FaultWorld;
    const guard = loopbackOnly();

    beforeAll(async () => {
      [target, toxiproxy] = await Promise.all([TARGETS[id](), Toxiproxy.start()]);
      proxy = await toxiproxy.createProxy(id, target.upstream);
      world = { target, toxiproxy, proxy, timeoutMs: TIMEOUT_MS };
    }, 120_000);
    afterAll(async () => {
      await target?.close();
      await toxiproxy?.stop();
      guard.restore();
      expect(guard.refused).toEqual([]);
    });

    it.each(FAULTS.map((f) => [f, EXPECTED[f].join(" or ")] as const))("%s → %s", async (fault) => {
      const observed = await runFault(world, fault);
      expect(
        EXPECTED[fault],
        `${fault}: ${observed.outcome} after ${observed.ms} ms (${observed.note ?? ""})`,
      ).toContain(observed.outcome);
      if (!NOT_ONE_CALL.includes(fault)) expect(observed.ms).toBeLessThanOrEqual(WITHIN);
    });

    if (options.index)
      it("a reset in the middle of a list fails the refresh and the index keeps serving the previous generation", async () => {
        const prisma = db!.prisma;
        const backend = target.backend(target.via(proxy.address), TIMEOUT_MS);
        const source = { key: `faults:${id}:${process.pid}`, tenantId: null, configId: null };
        const first = await refreshSource(prisma, source, () => backend.scan());
        expect(first).toMatchObject({ status: "done", count: target.seeded });
        try {
          const second = await refreshSource(prisma, source, () => resetAfterFirstPage(backend, proxy));
          expect(second).toMatchObject({ status: "failed", code: "unreachable" });
        } finally {
          await proxy.clearToxics();
        }
        const state = await sourceState(prisma, source.key);
        expect(state).toMatchObject({ servedGeneration: (first as { generation: number }).generation });
        expect(state?.lastError?.code).toBe("unreachable");
        const [{ n }] = await prisma.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM "SecretIndexEntry"
        WHERE "sourceKey" = ${source.key} AND "generation" = ${state!.servedGeneration}`;
        expect(n).toBe(target.seeded);
      });

    options.more?.(() => ({ target, toxiproxy, proxy, prisma: db!.prisma }));

    describe("throttling", () => {
      it("is ridden out with Retry-After honoured, the list resuming at the throttled page", async () => {
        const observed = await runThrottle(target, { count: 2, retryAfterSeconds: 1, timeoutMs: 4_000 });
        expect(observed.outcome).toBe("ok");
        // Two throttled answers for page 2, asked again in place: no page asked twice beyond those.
        expect(observed.calls).toBe(target.pages + 2);
        // At least one wait of the second Retry-After asked for (Vault lists folders in parallel: its two waits overlap).
        expect(observed.ms).toBeGreaterThanOrEqual(950);
      });

      it("is ridden out without Retry-After (exponential backoff with jitter)", async () => {
        const observed = await runThrottle(target, { count: 2, timeoutMs: 4_000 });
        expect(observed.outcome).toBe("ok");
        expect(observed.calls).toBe(target.pages + 2);
        expect(observed.ms).toBeLessThan(4_000);
      });

      it("ends in `throttled` within the call's budget when the backend keeps refusing", async () => {
        const observed = await runThrottle(target, { count: 1_000, timeoutMs: 2_000 });
        expect(observed.outcome).toBe("throttled");
        expect(observed.ms).toBeLessThanOrEqual(2_000 + 1_000);
        expect(observed.calls).toBeGreaterThan(2);
      });
    });
  });
}
