import { describe, expect, it } from "vitest";
import { compareKeys } from "../../lib/backends/sort";

describe("key order", () => {
  it("ignores case first, then orders exact text", () => {
    expect(["b", "API_KEY", "api", "DB_PASSWORD", "Api"].sort(compareKeys)).toEqual([
      "Api",
      "api",
      "API_KEY",
      "b",
      "DB_PASSWORD",
    ]);
  });

  it("orders numbers by value, as people read", () => {
    expect(["KEY_100", "KEY_10", "KEY_1", "KEY_0", "KEY_2", "KEY_9"].sort(compareKeys)).toEqual([
      "KEY_0",
      "KEY_1",
      "KEY_2",
      "KEY_9",
      "KEY_10",
      "KEY_100",
    ]);
    expect(["v10.2", "v2.10", "v2.9", "v10.10"].sort(compareKeys)).toEqual(["v2.9", "v2.10", "v10.2", "v10.10"]);
    expect(["a007", "a7", "a08"].sort(compareKeys)).toEqual(["a007", "a7", "a08"]);
    expect(["n99999999999999999999", "n100000000000000000000"].sort(compareKeys)).toEqual([
      "n99999999999999999999",
      "n100000000000000000000",
    ]);
    expect(["KEY", "KEY_1", "KEY1"].sort(compareKeys)).toEqual(["KEY", "KEY1", "KEY_1"]);
  });

  it("is a total order (antisymmetric, consistent with equality)", () => {
    const keys = ["a1", "A1", "a01", "a1b", "a", "b2", "B10", "x_0", "x_00", ""];
    for (const x of keys)
      for (const y of keys) expect(Math.sign(compareKeys(x, y)) + Math.sign(compareKeys(y, x))).toBe(0);
    for (const x of keys) expect(compareKeys(x, x)).toBe(0);
  });
});
