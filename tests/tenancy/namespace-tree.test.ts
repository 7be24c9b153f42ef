import { describe, expect, it } from "vitest";
import { namespaceTree } from "../../lib/tenancy/namespaces";

describe("namespace tree", () => {
  it("nests dotted paths under their parents, sorted", () => {
    const tree = namespaceTree(["company.team", "other", "company", "company.team.etl", "company.ops"]);
    expect(tree.map((n) => n.path)).toEqual(["company", "other"]);
    expect(tree[0].children.map((n) => [n.path, n.name])).toEqual([
      ["company.ops", "ops"],
      ["company.team", "team"],
    ]);
    expect(tree[0].children[1].children.map((n) => n.name)).toEqual(["etl"]);
  });
});
