import { describe, expect, it } from "vitest";
import { customFromMeta, metaFromCustom, readField, subkeysOfFields } from "../../../lib/backends/vault/fields";

const message = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
  throw new Error("expected an error");
};

describe("vault fields", () => {
  it("lists field names as subkeys, or the JSON keys of a lone `value`", () => {
    expect(subkeysOfFields({ DATABASE_USERNAME: "u", DATABASE_PASSWORD: "p" })).toEqual([
      "DATABASE_PASSWORD",
      "DATABASE_USERNAME",
    ]);
    expect(subkeysOfFields({ value: '{"b":1,"a":2}' })).toEqual(["a", "b"]);
    expect(subkeysOfFields({ value: "plain" })).toEqual([]);
    expect(subkeysOfFields({ value: "x", other: "y" })).toEqual(["other", "value"]);
  });

  it("reads the `value` field, else the only field, without subkey", () => {
    expect(readField("db", { value: "v", other: "o" })).toBe("v");
    expect(readField("db", { password: "p" })).toBe("p");
    expect(readField("db", { port: 5432 })).toBe("5432");
  });

  it("asks for subkey= when an entry has several fields and none is `value`", () => {
    expect(message(() => readField("api", { keys: "k", API_TOKEN: "t" }))).toEqual({
      code: "invalid-input",
      message:
        "Secret 'api' has 2 sub-keys (API_TOKEN, keys); choose one with subkey=, e.g. {{ secret('api', subkey='API_TOKEN') }}.",
    });
  });

  it("reads a subkey, with the semantics page's sentence when it is missing", () => {
    expect(readField("api", { API_TOKEN: "t", nested: { a: 1 } }, "API_TOKEN")).toBe("t");
    expect(readField("api", { API_TOKEN: "t", nested: { a: 1 } }, "nested")).toBe('{"a":1}');
    expect(message(() => readField("api", { API_TOKEN: "t", other: "o" }, "NOPE"))).toEqual({
      code: "not-found",
      message: "Cannot find secret sub-key 'NOPE' in secret 'api'.",
    });
  });

  it("reads subkeys of the JSON in a lone `value`, as the other backends do", () => {
    expect(readField("cfg", { value: '{"user":"ops","port":1}' }, "user")).toBe("ops");
    expect(readField("cfg", { value: '{"user":"ops"}' }, "value")).toBe('{"user":"ops"}');
    expect(message(() => readField("cfg", { value: "plain" }, "user")).message).toBe(
      "Failed to read secret sub-key 'user' in secret 'cfg'. Ensure the secret contains valid JSON value.",
    );
    expect(message(() => readField("cfg", { value: '{"a":1}' }, "user")).message).toBe(
      "Cannot find secret sub-key 'user' in secret 'cfg'.",
    );
  });

  it("keeps the description under custom_metadata `description` and the tags beside it", () => {
    expect(customFromMeta("for the API", { env: "prod" })).toEqual({ env: "prod", description: "for the API" });
    expect(customFromMeta(null, {})).toEqual({});
    expect(metaFromCustom({ env: "prod", description: "for the API" })).toEqual({
      description: "for the API",
      tags: { env: "prod" },
    });
    expect(metaFromCustom(null)).toEqual({ description: null, tags: {} });
    expect(message(() => customFromMeta(null, { description: "x" })).code).toBe("invalid-input");
  });

  it("checks Vault's custom_metadata limits before anything is written", () => {
    expect(customFromMeta("d".repeat(512), { ["k".repeat(128)]: "v".repeat(512) })).toBeTruthy();
    expect(message(() => customFromMeta("d".repeat(513))).message).toBe(
      "Vault cannot keep these tags: the value of 'description' is longer than 512 bytes.",
    );
    expect(message(() => customFromMeta("é".repeat(300))).code).toBe("invalid-input"); // bytes, not characters
    expect(message(() => customFromMeta(null, { env: "" })).message).toContain("empty value");
    expect(message(() => customFromMeta(null, { ["k".repeat(129)]: "v" })).code).toBe("invalid-input");
    const many = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`t${i}`, "v"]));
    expect(Object.keys(customFromMeta(null, many))).toHaveLength(64);
    expect(message(() => customFromMeta("d", many)).message).toContain("at most 64");
  });
});
