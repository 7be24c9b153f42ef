// A refresh the backend throttled: the list keeps serving the previous rows with the error ("refresh failed:
// throttled, retrying"), and the refresh is tried again after a few seconds, not after the cache's TTL.
import { describe, expect, it } from "vitest";
import type { IndexedSecret, SecretsBackend } from "../../../lib/backends/adapter";
import { BackendError } from "../../../lib/backends/backend-error";
import { runningScans, THROTTLED_RETRY_MS } from "../../../lib/secrets/index/freshness";
import { listNamespaceSecrets } from "../../../lib/secrets/namespace-secrets";
import { indexDatabase } from "../../support/index-db";
import { memoryServing } from "../../support/memory-backend";
import { secret } from "../../support/secrets-index";

/** A backend whose scan answers `keys`, or is throttled while `throttled` is set. */
function throttlingBackend(state: { keys: string[]; throttled: boolean; scans: number }): SecretsBackend {
  const fail = () => Promise.reject(new BackendError("read-only", "not used"));
  return {
    type: "vault",
    readOnly: true,
    subkeySource: null,
    async *scan(): AsyncIterable<IndexedSecret[]> {
      state.scans++;
      if (state.throttled) throw new BackendError("throttled", "The backend is throttling requests (4 attempts).");
      yield state.keys.map((k) => secret(k, { namespace: "company" }));
    },
    read: fail,
    subkeys: fail,
    write: fail,
    update: fail,
    delete: fail,
    verify: fail,
  } as unknown as SecretsBackend;
}

describe("a throttled refresh", () => {
  const db = indexDatabase("pglite");

  it("keeps the previous rows with the error shown, and is retried within seconds", async () => {
    const state = { keys: ["A", "B"], throttled: false, scans: 0 };
    // A TTL of an hour: only the throttled retry can explain a new scan below.
    const serving = memoryServing({
      namespaces: ["company"],
      backends: { "": throttlingBackend(state) },
      ttlMs: 3_600_000,
    });
    const tenant = { id: `throttled-${process.pid}`, slug: "acme" };
    const list = (refresh = false) => listNamespaceSecrets(db.prisma, tenant, "company", { refresh }, serving);

    expect((await list()).rows.map((r) => r.key)).toEqual(["A", "B"]);

    state.throttled = true;
    state.keys = ["A", "B", "C"];
    const refreshed = await list(true);
    expect(refreshed.rows.map((r) => r.key)).toEqual(["A", "B"]);
    expect(refreshed.errors.map((e) => e.code)).toEqual(["throttled"]);

    // Not retried at once (every view would otherwise hit a throttling backend again)...
    state.throttled = false;
    const scans = state.scans;
    expect((await list()).errors.map((e) => e.code)).toEqual(["throttled"]);
    await Promise.all(runningScans());
    expect(state.scans).toBe(scans);

    // ...but a few seconds later, far before the TTL.
    await new Promise((r) => setTimeout(r, THROTTLED_RETRY_MS + 200));
    await list();
    await Promise.all(runningScans());
    expect(state.scans).toBe(scans + 1);
    const after = await list();
    expect(after.errors).toEqual([]);
    expect(after.rows.map((r) => r.key)).toEqual(["A", "B", "C"]);
  }, 20_000);
});
