// Pure: the index's sort key, so SQL can order by `compareKeys` (lib/backends/sort.ts) with a plain btree index.

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Separates the natural part from the exact key; below every character an index key can hold. */
const TIE = "\u0001";

/**
 * A digit run, compared by value: its length without leading zeros, then its digits. Every character
 * is a digit, so against a non-digit it orders as any digit does in `compareKeys`. Lengths 1–8 are one
 * character; from 9 on, `9` and three digits (keys are at most 255 characters).
 */
function digitRun(run: string): string {
  let s = 0;
  while (s < run.length - 1 && run.charCodeAt(s) === 48) s++;
  const digits = run.slice(s);
  const n = digits.length;
  return (n <= 8 ? String(n) : `9${String(n).padStart(3, "0")}`) + digits;
}

/**
 * A string whose bytewise order ("C" collation) is `compareKeys`'s, exact tie-break included (the key
 * itself follows the natural part). Exact for keys of characters U+0002–U+FFFF below 1,000 digits in a run;
 * index keys are ASCII (`SECRET_KEY_PATTERN`).
 */
export function sortKey(key: string): string {
  const lower = key.toLowerCase();
  let out = "";
  let i = 0;
  while (i < lower.length) {
    if (isDigit(lower.charCodeAt(i))) {
      let e = i;
      while (e < lower.length && isDigit(lower.charCodeAt(e))) e++;
      out += digitRun(lower.slice(i, e));
      i = e;
    } else {
      out += lower[i];
      i++;
    }
  }
  return out + TIE + key;
}
