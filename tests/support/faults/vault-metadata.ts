// Vault's scan reads each KV v2 entry's metadata after listing it: a refused read (no policy for it) leaves the entry
// without metadata, but a failed one (reset, throttled past the budget, not Vault's answer) must fail the scan rather
// than yield a list missing descriptions and tags, presented as complete.
import { expect, it } from "vitest";
import type { ShimAnswer } from "../fault-shim";
import { observeList } from "./scenarios";
import type { FaultContext } from "./suite";

const isMetadataRead = (r: { method: string; url: string }) =>
  r.method === "GET" && /\/v1\/[^?]*\/(subkeys|metadata)\//.test(r.url) && !/[?&]list=true/.test(r.url);

export function vaultMetadataTests(ctx: () => FaultContext): void {
  it.each([
    ["reset", "unreachable"],
    ["html", "invalid-response"],
  ] as [ShimAnswer, string][])("a metadata read answered '%s' fails the scan with %s", async (answer, code) => {
    const { target } = ctx();
    const shim = target.shim!;
    shim.arm({ match: isMetadataRead, answer, skip: 3 });
    try {
      const observed = await observeList(target.backend(shim.url, 1_500), target.seeded, 1_500);
      expect(observed.outcome, observed.note).toBe(code);
      expect(shim.counts().served).toBeGreaterThan(0);
    } finally {
      shim.clear();
    }
  });

  it("a metadata read Vault refuses (403: no policy for it) leaves the entry without metadata, the list whole", async () => {
    const { target } = ctx();
    const shim = target.shim!;
    shim.arm({ match: isMetadataRead, answer: "http-403" });
    try {
      const observed = await observeList(target.backend(shim.url, 1_500), target.seeded, 1_500);
      expect(observed.outcome, observed.note).toBe("ok");
      expect(shim.counts().served).toBeGreaterThan(0);
    } finally {
      shim.clear();
    }
  });
}
