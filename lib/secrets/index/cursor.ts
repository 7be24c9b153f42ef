// Pure: the opaque keyset cursor of index lists. A cursor that does not parse, or was made for another order, is
// `invalid-input` (a user can edit the URL), never an internal error.
import { z } from "zod";
import { KeyholdError } from "../../errors";

export type IndexSort = "key" | "namespace" | "updated";
export type IndexDir = "asc" | "desc";

/** The last row of a page, in the order's columns: [primary?], sort key, source key, backend name. */
export interface Keyset {
  sort: IndexSort;
  dir: IndexDir;
  values: string[];
}

const TEXT = z.string().max(4096);
const cursorSchema = z.object({
  s: z.enum(["key", "namespace", "updated"]),
  d: z.enum(["asc", "desc"]),
  v: z.array(TEXT).min(3).max(4),
});

/** Width of the keyset per order: the primary column (namespace, updated time) and the three tie-breakers. */
export const keysetWidth = (sort: IndexSort) => (sort === "key" ? 3 : 4);

export function encodeCursor(keyset: Keyset): string {
  return Buffer.from(JSON.stringify({ s: keyset.sort, d: keyset.dir, v: keyset.values }), "utf8").toString("base64url");
}

const invalid = () => new KeyholdError("invalid-input", "The page cursor is not valid.", { cursor: "Not valid" });

export function decodeCursor(cursor: string, sort: IndexSort, dir: IndexDir): string[] {
  if (cursor.length > 24_000 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success || result.data.s !== sort || result.data.d !== dir) throw invalid();
  const values = result.data.v;
  if (values.length !== keysetWidth(sort)) throw invalid();
  if (
    sort === "updated" &&
    values[0] !== "-infinity" &&
    !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/.test(values[0])
  )
    throw invalid();
  return values;
}
