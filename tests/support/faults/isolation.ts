// One backend hanging does not hang the console: while a namespace's dedicated manager stalls (Toxiproxy swallows its
// requests), a list on another namespace answers at once, from the real listing pipeline on a real index database.
import { expect, it } from "vitest";
import { listNamespaceSecrets } from "../../../lib/secrets/namespace-secrets";
import { memoryServing } from "../memory-backend";
import type { FaultContext } from "./suite";

/** How long the stalled backend's calls wait: its configured timeout (shorter than the 30 s, same shape). */
const STALL_TIMEOUT_MS = 3_000;

export function isolationTests(ctx: () => FaultContext): void {
  it("lists another namespace in under a second while one namespace's backend hangs", async () => {
    const { target, proxy, prisma } = ctx();
    const serving = memoryServing({
      namespaces: ["stalled", "healthy"],
      backends: {
        stalled: target.backend(target.via(proxy.address), STALL_TIMEOUT_MS),
        healthy: target.backend(target.direct, STALL_TIMEOUT_MS),
      },
    });
    const tenant = { id: `faults-isolation-${process.pid}`, slug: "acme" };
    // The healthy namespace has been listed before (its index is warm), as on any console in use.
    expect((await listNamespaceSecrets(prisma, tenant, "healthy", {}, serving)).total).toBe(target.seeded);

    await proxy.addToxic({ type: "timeout", stream: "upstream", attributes: { timeout: 0 } });
    try {
      const started = performance.now();
      let stalledSettled = false;
      const stalled = listNamespaceSecrets(prisma, tenant, "stalled", { refresh: true }, serving).finally(
        () => (stalledSettled = true),
      );
      await new Promise((r) => setTimeout(r, 500));

      const t = performance.now();
      const healthy = await listNamespaceSecrets(prisma, tenant, "healthy", {}, serving);
      expect(performance.now() - t).toBeLessThan(1_000);
      expect(healthy.total).toBe(target.seeded);
      expect(healthy.rows).toHaveLength(Math.min(target.seeded, 50));
      expect(healthy.errors).toEqual([]);
      // It was served while the stall was still in progress.
      expect(stalledSettled).toBe(false);

      // The stalled namespace answers too, with its coded error, once its timeout has passed.
      const answer = await stalled;
      expect(answer.errors.map((e) => e.code)).toEqual(["timeout"]);
      expect(performance.now() - started).toBeLessThan(STALL_TIMEOUT_MS + 1_000);
    } finally {
      await proxy.clearToxics();
    }
  });
}
