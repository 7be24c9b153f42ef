import { describe, expect, it } from "vitest";
import { diffSettings } from "../../lib/managers/settings-diff";

describe("settings diff for audit entries", () => {
  it("lists changed, added and removed dotted paths", () => {
    const before = {
      type: "vault",
      "read-only": false,
      vault: { address: "https://a", token: {}, "root-engine": "secret" },
    };
    const after = { type: "vault", "read-only": true, vault: { address: "https://b", token: {}, namespace: "admin" } };
    expect(diffSettings(before, after)).toEqual(["read-only", "vault.address", "vault.namespace", "vault.root-engine"]);
    expect(diffSettings(after, after)).toEqual([]);
  });
});
