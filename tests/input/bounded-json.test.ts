import { describe, expect, it } from "vitest";
import { boundedJson, boundedJsonProblem, DOCUMENT_LIMITS } from "../../lib/input/bounded-json";

const nested = (depth: number) => {
  const root: Record<string, unknown> = {};
  let cursor = root;
  for (let i = 0; i < depth; i++) cursor = (cursor.a = {}) as Record<string, unknown>;
  return root;
};

describe("bounded JSON", () => {
  it("accepts a configuration document as it is", () => {
    const doc = {
      type: "vault",
      "read-only": true,
      vault: {
        address: "https://vault:8200",
        token: { token: "t" },
        tags: { a: "1" },
        list: [1, null, undefined, false],
      },
    };
    expect(boundedJson().parse(doc)).toBe(doc);
  });

  it("refuses 2,000 levels of nesting without overflowing the stack", () => {
    expect(boundedJsonProblem(nested(2000), DOCUMENT_LIMITS)).toBe(
      `Nested more than ${DOCUMENT_LIMITS.maxDepth} levels deep`,
    );
    expect(boundedJsonProblem(nested(DOCUMENT_LIMITS.maxDepth), DOCUMENT_LIMITS)).toBeNull();
    expect(boundedJsonProblem(nested(DOCUMENT_LIMITS.maxDepth + 1), DOCUMENT_LIMITS)).not.toBeNull();
  });

  it("refuses too many values and too much text", () => {
    expect(boundedJsonProblem({ list: new Array(10_000).fill(1) }, DOCUMENT_LIMITS)).toContain("more than 2000 values");
    expect(boundedJsonProblem({ list: new Array(1e9) }, DOCUMENT_LIMITS)).toContain("more than 2000 values");
    expect(boundedJsonProblem({ big: "x".repeat(DOCUMENT_LIMITS.maxChars + 1) }, DOCUMENT_LIMITS)).toContain(
      "characters of text",
    );
  });

  it("refuses what is not JSON data, and keys that are not plain text or would replace a prototype", () => {
    for (const odd of [new Date(), new Map(), 10n, () => 1, Symbol("s"), NaN, new Uint8Array(2)]) {
      expect(boundedJsonProblem({ vault: { x: odd } }, DOCUMENT_LIMITS), String(typeof odd)).not.toBeNull();
    }
    expect(boundedJsonProblem({ vault: { "a\u0000": 1 } }, DOCUMENT_LIMITS)).toBe(
      "A key (at vault): Remove the control character U+0000 at position 2",
    );
    expect(boundedJsonProblem(JSON.parse('{"vault":{"__proto__":{"x":1}}}'), DOCUMENT_LIMITS)).toBe(
      "The key '__proto__' is not allowed (at vault)",
    );
    expect(boundedJsonProblem(Object.assign(Object.create(null), { constructor: "fine" }), DOCUMENT_LIMITS)).toBeNull();
  });

  it("walks a cycle only as deep as the limit", () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(boundedJsonProblem(a, DOCUMENT_LIMITS)).toContain("Nested more than");
  });
});
