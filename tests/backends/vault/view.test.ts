// Which edits of a Vault configuration switch what a namespace sees (so the save previews and asks first), and which
// only change how it authenticates. The mount, the KV version, the path prefix and the read-only flag (managed mode
// reads `prefix/TENANT/NS/KEY`, read-only mode every entry under the prefix) decide which entries are secrets.
import { describe, expect, it } from "vitest";
import { switchChanges } from "../../../lib/managers/switch-confirmation";
import { changedWords, parsed, storedRow, switches } from "../../support/switch-rule";

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
  // Each with the words the switch dialog names it by.
  it.each([
    ["the path prefix", { "secret-path-prefix": "apps/staging" }, ["secret path prefix"]],
    ["the path prefix, removed", { "secret-path-prefix": undefined }, ["secret path prefix"]],
    ["the KV mount (root-engine)", { "root-engine": "kv" }, ["KV mount"]],
    ["the KV version", { "engine-version": 1 }, ["KV version"]],
    ["the address (a destination)", { address: "https://other.example.com:8200" }, ["address"]],
    ["the Enterprise namespace (a destination)", { namespace: "team-b" }, ["namespace"]],
    [
      "the mount and the prefix at once",
      { "root-engine": "kv", "secret-path-prefix": "x" },
      ["KV mount", "secret path prefix"],
    ],
  ])("%s", (_, edit, words) => {
    expect(switches(vault(), vault(edit))).toBe(true);
    expect(changedWords(vault(), vault(edit))).toEqual(words);
  });

  it("the read-only flag: managed mode reads another layout under the prefix", () => {
    expect(switches(vault({}, true), vault({}, false))).toBe(true);
    expect(switches(vault({}, false), vault({}, true))).toBe(true);
    expect(changedWords(vault({}, true), vault({}, false))).toEqual(["read-only mode"]);
  });

  it("names the auth mount path once when two methods' mount paths changed (AppRole to JWT)", () => {
    const approle = { token: undefined, "app-role": { path: "approle", "role-id": "r", "secret-id": "s" } };
    const jwt = { token: undefined, jwt: { path: "jwt", role: "r", token: "eyJ.x.y" } };
    expect(changedWords(vault(approle), vault(jwt))).toEqual(["auth mount path"]);
  });

  it("turned on, turned off, another type", () => {
    const stored = storedRow(vault());
    expect(switchChanges(null, true, parsed(vault()))).toEqual(["dedicated secrets manager turned on"]);
    expect(switchChanges(stored, false, parsed(vault()))).toEqual(["dedicated secrets manager turned off"]);
    expect(switchChanges({ ...stored, enabled: false }, false, null)).toEqual([]);
    const aws = { type: "aws-secret-manager", "read-only": true, "aws-secret-manager": { region: "us-east-1" } };
    expect(switchChanges(stored, true, parsed(aws))).toEqual(["backend type"]);
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
    expect(changedWords(vault(), vault({ token: { token: "hvs.rotated" } }))).toEqual([]);
  });
});
