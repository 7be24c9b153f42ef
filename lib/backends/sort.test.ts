import { describe, expect, it } from "vitest";
import { compareKeys } from "./sort";

describe("key order", () => {
  it("ignores case first, then orders exact text", () => {
    expect(["b", "API_KEY", "api", "DB_PASSWORD", "Api"].sort(compareKeys)).toEqual(["Api", "api", "API_KEY", "b", "DB_PASSWORD"]);
  });
});
