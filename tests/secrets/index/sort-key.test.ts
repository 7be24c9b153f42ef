import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareKeys } from "../../../lib/backends/sort";
import { sortKey } from "../../../lib/secrets/index/sort-key";

/** Bytewise, as PostgreSQL's "C" collation compares text. */
const bytewise = (a: string, b: string) => Math.sign(Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8")));

// Keys mixing case, digit runs (with leading zeros) and the punctuation around digits and letters in ASCII.
const piece = fc.oneof(
  fc.constantFrom("a", "A", "b", "Z", "z", "_", "-", ".", "/", "0", "00", "1", "9", "10", "x", "X", "~", " "),
  fc.stringMatching(/^[0-9]{1,12}$/),
  fc.string({ unit: fc.integer({ min: 0x02, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 4 }),
);
const key = fc.array(piece, { maxLength: 8 }).map((p) => p.join(""));

describe("sort key", () => {
  it("orders bytewise exactly as compareKeys, tie-break included", () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        expect(bytewise(sortKey(a), sortKey(b))).toBe(Math.sign(compareKeys(a, b)));
      }),
      { numRuns: 20_000 },
    );
  });

  it("holds for any BMP text without control characters", () => {
    const bmp = fc.string({
      unit: fc.integer({ min: 0x20, max: 0xd7ff }).map((c) => String.fromCharCode(c)),
      maxLength: 12,
    });
    fc.assert(
      fc.property(bmp, bmp, (a, b) => {
        // toLowerCase may lengthen a character (İ): compareKeys and the sort key both use the lower-cased text.
        expect(bytewise(sortKey(a), sortKey(b))).toBe(Math.sign(compareKeys(a, b)));
      }),
      { numRuns: 5_000 },
    );
  });

  it("sorts the examples people read", () => {
    const keys = ["KEY_100", "KEY_10", "key_1", "KEY_0", "a007", "a7", "a08", "KEY", "KEY1", "Api", "api", "API_KEY"];
    const bySortKey = [...keys].sort((a, b) => bytewise(sortKey(a), sortKey(b)));
    expect(bySortKey).toEqual([...keys].sort(compareKeys));
    // Long digit runs compare by value: 20 digits after 9 digits.
    expect(bytewise(sortKey("n999999999"), sortKey("n10000000000000000000"))).toBe(-1);
  });
});
