// Which edits of a Vault configuration switch what a namespace sees (so the save previews and asks first), and which
// only change how it authenticates. The mount, the KV version, the path prefix and the read-only flag (managed mode
// reads `prefix/TENANT/NS/KEY`, read-only mode every entry under the prefix) decide which entries are secrets.
import { describe, expect, it } from "vitest";
import { switches } from "../../support/switch-rule";

const vault = (section: Record<string, unknown> = {}, readOnly = true) => ({
  type: "vault",
  "read-only": readOnly,
  vault: {
    address: "https://vault.example.com:8200",
    "root-engine": "secret",
    "secret-path-prefix": "apps/prod",
    token: { token: "hvs.first" },
    ...section,
  },
});

describe("a Vault edit that switches what the namespace sees", () => {
  it.each([
    ["the path prefix", { "secret-path-prefix": "apps/staging" }],
    ["the path prefix, removed", { "secret-path-prefix": undefined }],
    ["the KV mount (root-engine)", { "root-engine": "kv" }],
    ["the KV version", { "engine-version": 1 }],
    ["the address (a destination)", { address: "https://other.example.com:8200" }],
    ["the Enterprise namespace (a destination)", { namespace: "team-b" }],
  ])("%s", (_, edit) => {
    expect(switches(vault(), vault(edit))).toBe(true);
  });

  it("the read-only flag: managed mode reads another layout under the prefix", () => {
    expect(switches(vault({}, true), vault({}, false))).toBe(true);
    expect(switches(vault({}, false), vault({}, true))).toBe(true);
  });
});

describe("a Vault edit that keeps what the namespace sees", () => {
  it("a rotated token for the same address", () => {
    expect(switches(vault(), vault({ token: { token: "hvs.rotated" } }))).toBe(false);
  });

  it("another auth method's credential at the same address and mount", () => {
    const approle = (id: string) => ({ token: undefined, "app-role": { "role-id": "r", "secret-id": id } });
    expect(switches(vault(approle("s1")), vault(approle("s2")))).toBe(false);
    const userpass = (password: string) => ({ token: undefined, password: { user: "u", password } });
    expect(switches(vault(userpass("p1")), vault(userpass("p2")))).toBe(false);
  });

  it("the defaults written out or left out, and the cache settings", () => {
    const implicit: Record<string, unknown> = { ...vault().vault };
    delete implicit["root-engine"];
    expect(switches(vault(), { ...vault(), vault: implicit })).toBe(false);
    expect(switches(vault(), vault({ "engine-version": 2 }))).toBe(false);
    expect(switches(vault(), { ...vault(), cache: { enabled: true, "maximum-size": 500 } })).toBe(false);
  });

  it("nothing changed", () => {
    expect(switches(vault(), vault())).toBe(false);
  });
});
