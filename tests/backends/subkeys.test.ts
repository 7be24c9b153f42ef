import { describe, expect, it } from "vitest";
import { subkeysOf, valueOrSubkey } from "../../lib/backends/subkeys";

describe("subkeys of a JSON value", () => {
  const value = JSON.stringify({ user: "app", port: 5432, nested: { a: 1 } });

  it("reads the value's own keys", () => {
    expect(valueOrSubkey("DB", value, "user")).toBe("app");
    expect(valueOrSubkey("DB", value, "port")).toBe("5432");
    expect(valueOrSubkey("DB", value, "nested")).toBe('{"a":1}');
    expect(subkeysOf(value)).toEqual(["nested", "port", "user"]);
  });

  it.each(["constructor", "toString", "hasOwnProperty", "__proto__", "valueOf", "__defineGetter__"])(
    "does not find %s, which only the prototype has",
    (subkey) => {
      expect(() => valueOrSubkey("DB", value, subkey)).toThrow(
        `Cannot find secret sub-key '${subkey}' in secret 'DB'.`,
      );
    },
  );

  it("finds a key named __proto__ when the JSON really has one", () => {
    expect(valueOrSubkey("DB", '{"__proto__":"own"}', "__proto__")).toBe("own");
  });
});
