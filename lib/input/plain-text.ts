import { z } from "zod";

// The one rule for text a user types: no control characters (PostgreSQL refuses NUL in text and JSON, and the
// rest have no place in a name, tag or filter) and no half of a surrogate pair (not Unicode text at all).
// Multi-line fields (descriptions, PEM certificates, expressions) may hold tabs and line breaks.

const SINGLE_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
const MULTI_LINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;

export interface PlainTextOptions {
  /** Allows tab, line feed and carriage return. */
  multiline?: boolean;
}

/** Why `value` is not plain text, or null when it is. */
export function plainTextProblem(value: string, options: PlainTextOptions = {}): string | null {
  const found = (options.multiline ? MULTI_LINE : SINGLE_LINE).exec(value);
  if (found) {
    const code = found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    return `Remove the control character U+${code} at position ${found.index + 1}`;
  }
  if (!value.isWellFormed()) return "Contains an incomplete Unicode character";
  return null;
}

export const isPlainText = (value: string, options: PlainTextOptions = {}) => plainTextProblem(value, options) === null;

/** Adds the plain-text rule to a string schema (after its trim, so surrounding whitespace is still forgiven). */
export function plain<S extends z.ZodString>(schema: S, options: PlainTextOptions = {}): S {
  return schema.superRefine((value, ctx) => {
    const problem = plainTextProblem(value, options);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }) as S;
}

/** Trimmed text of at most `max` characters with no control characters: names, tags, filters, descriptions. */
export const plainText = (max: number, options: PlainTextOptions = {}) =>
  plain(z.string().trim().max(max, `At most ${max} characters`), options);

/** Record keys that would replace an object's prototype instead of becoming a key (zod's records drop them). */
export const isSafeKey = (key: string) => key !== "__proto__";
