// The view declarations (lib/backends/<type>/view.ts): no credential and no destination among them, and the
// comparison's canonical form (defaults, blank, tag order).
import { describe, expect, it } from "vitest";
import { backendDescriptors, EXTERNAL_BACKEND_TYPES } from "../../lib/backends/descriptors";
import { changedView, viewOf } from "../../lib/backends/view";

describe("view declarations", () => {
  it.each(EXTERNAL_BACKEND_TYPES)("%s: no credential, no destination, defaults only for declared fields", (type) => {
    const { view, credentials, destinations } = backendDescriptors[type];
    const fields = Object.keys(view.fields);
    expect(fields.length).toBeGreaterThan(0);
    for (const path of fields) {
      expect(Object.hasOwn(credentials, path), path).toBe(false);
      expect(Object.hasOwn(destinations, path), path).toBe(false);
    }
    for (const path of Object.keys(view.defaults ?? {})) expect(fields).toContain(path);
  });

  it("only Vault counts the read-only flag", () => {
    expect(EXTERNAL_BACKEND_TYPES.filter((t) => backendDescriptors[t].view.readOnly)).toEqual(["vault"]);
  });

  it("compares canonically: defaults, blank as unset, tags in any order", () => {
    expect(viewOf("vault", { "read-only": false, vault: {} })).toEqual({
      "root-engine": "secret",
      "engine-version": "2",
      "secret-path-prefix": null,
      "read-only": "false",
    });
    const aws = (section: Record<string, unknown>) => ({ "aws-secret-manager": section });
    expect(changedView("aws-secret-manager", aws({ prefix: "" }), aws({ prefix: "kestra" }))).toEqual([]);
    expect(
      changedView(
        "aws-secret-manager",
        aws({ "filter-on-tags": { tags: { a: "1", b: "2" } } }),
        aws({ "filter-on-tags": { tags: { b: "2", a: "1" } } }),
      ),
    ).toEqual([]);
    expect(changedView("aws-secret-manager", aws({ prefix: " x " }), aws({ prefix: "y" }))).toEqual(["prefix"]);
  });

  it("reads own properties only", () => {
    const hostile = JSON.parse('{"vault": {"__proto__": {"secret-path-prefix": "elsewhere"}}}');
    expect(viewOf("vault", hostile)["secret-path-prefix"]).toBeNull();
  });
});
