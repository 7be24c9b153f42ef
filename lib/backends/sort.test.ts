import { describe, expect, it } from "vitest";
import { compareKeys, sortByKey } from "./sort";

describe("key order", () => {
  it("ignores case first, then orders exact text", () => {
    expect(["b", "API_KEY", "api", "DB_PASSWORD", "Api"].sort(compareKeys)).toEqual(["Api", "api", "API_KEY", "b", "DB_PASSWORD"]);
    expect(sortByKey([{ k: "b" }, { k: "API_KEY" }, { k: "api" }], (x) => x.k).map((x) => x.k)).toEqual(["api", "API_KEY", "b"]);
  });
});
