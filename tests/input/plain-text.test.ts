import { describe, expect, it } from "vitest";
import { plainText, plainTextProblem } from "../../lib/input/plain-text";

describe("plain text", () => {
  it.each([
    ["a\u0000b", "U+0000 at position 2"],
    ["tab\there", "U+0009"],
    ["line\nbreak", "U+000A"],
    ["del\u007f", "U+007F"],
    ["c1\u0085", "U+0085"],
    ["sep\u2028", "U+2028"],
  ])("refuses control characters in single-line text: %j", (value, says) => {
    expect(plainTextProblem(value)).toContain(says);
  });

  it("allows tabs and line breaks, not NUL, in multi-line text", () => {
    expect(plainTextProblem("first line\r\n\tsecond", { multiline: true })).toBeNull();
    expect(plainTextProblem("a\u0000", { multiline: true })).toContain("U+0000");
  });

  it("refuses half a surrogate pair and keeps astral characters", () => {
    expect(plainTextProblem("\ud83d")).toBe("Contains an incomplete Unicode character");
    expect(plainTextProblem("ok \ud83d\ude00 ünïcødé 𝔘")).toBeNull();
  });

  it("is a field error in a schema, after trimming", () => {
    const schema = plainText(10);
    expect(schema.parse("  name \n")).toBe("name");
    const result = schema.safeParse("na\u0000me");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toBe("Remove the control character U+0000 at position 3");
    expect(schema.safeParse("x".repeat(11)).error?.issues[0].message).toBe("At most 10 characters");
  });
});
