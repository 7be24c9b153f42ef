import { describe, expect, it } from "vitest";
import { deletePath, getPath, pathKeys, setPath } from "@/lib/backends/document-path";

describe("dotted paths", () => {
  it("splits a path into keys; the empty path has none", () => {
    expect(pathKeys("vault.token.token")).toEqual(["vault", "token", "token"]);
    expect(pathKeys("")).toEqual([]);
    expect(pathKeys(["a", "b"])).toEqual(["a", "b"]);
  });

  it("reads nested values and undefined for missing or non-object steps", () => {
    const doc = { vault: { token: { token: "t" }, address: "https://v" }, n: 0 };
    expect(getPath(doc, "vault.token.token")).toBe("t");
    expect(getPath(doc, "vault.address")).toBe("https://v");
    expect(getPath(doc, "n")).toBe(0);
    expect(getPath(doc, "vault.missing.deeper")).toBeUndefined();
    expect(getPath(doc, "vault.address.length")).toBeUndefined();
    expect(getPath(null, "a")).toBeUndefined();
    expect(getPath(doc, "")).toBe(doc);
  });

  it("reads own properties only", () => {
    expect(getPath({}, "constructor")).toBeUndefined();
    expect(getPath({}, "__proto__")).toBeUndefined();
    expect(getPath({ a: {} }, "a.toString")).toBeUndefined();
    expect(getPath(Object.create({ inherited: "x" }), "inherited")).toBeUndefined();
  });

  it("sets values, creating the missing parents and replacing non-object ones", () => {
    const doc: Record<string, unknown> = { a: "text" };
    setPath(doc, "a.b.c", 1);
    setPath(doc, "x", "y");
    expect(doc).toEqual({ a: { b: { c: 1 } }, x: "y" });
    setPath(doc, "a.b.d", 2);
    expect(doc).toEqual({ a: { b: { c: 1, d: 2 } }, x: "y" });
  });

  it("writes `__proto__` as an own key, never into a prototype", () => {
    const doc: Record<string, unknown> = {};
    setPath(doc, "__proto__.polluted", "yes");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
    expect(getPath(doc, "__proto__.polluted")).toBe("yes");
    setPath(doc, "constructor.prototype.polluted", "yes");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("deletes own properties and ignores missing paths", () => {
    const doc: Record<string, unknown> = { vault: { token: { token: "t" }, address: "a" } };
    deletePath(doc, "vault.token.token");
    deletePath(doc, "vault.missing.x");
    deletePath(doc, "toString");
    expect(doc).toEqual({ vault: { token: {}, address: "a" } });
  });
});
