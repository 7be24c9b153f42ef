import "server-only";
import type { PrismaClient } from "../../db/generated/client";
import { KeyholdError } from "../../errors";
import { encodeCursor, type IndexDir, type IndexSort } from "./cursor";
import { keysetOf } from "./ordered";
import { listTenantVisible, listVisible, type IndexRow, type ListTenantInput, type ListVisibleInput } from "./query";
import { sortKey } from "./sort-key";

/**
 * Next and Previous over the keyset cursor: the URL's cursor is `a.<cursor>` (rows after a row) or `b.<cursor>`
 * (rows before one, read in the opposite order and turned around), so both directions are linkable.
 */
export interface TwoWayPage {
  rows: IndexRow[];
  total: number;
  nextCursor: string | null;
  prevCursor: string | null;
}

const flip = (dir: IndexDir): IndexDir => (dir === "asc" ? "desc" : "asc");

/** A listed row's cursor: its keyset as the list's own cursors hold it (ordered.ts), from its key and source. */
const cursorAt = (row: IndexRow, sort: IndexSort, dir: IndexDir) =>
  encodeCursor({
    sort,
    dir,
    values: keysetOf({ ...row, sortKey: sortKey(row.key), nsSort: sortKey(row.source) }, sort),
  });

type Input = { sort: IndexSort; dir: IndexDir; cursor?: string | null } & (
  | { tenantWide: false; query: Omit<ListVisibleInput, "sort" | "dir" | "cursor"> }
  | { tenantWide: true; query: Omit<ListTenantInput, "sort" | "dir" | "cursor"> }
);

export async function listPage(prisma: PrismaClient, input: Input): Promise<TwoWayPage> {
  const { sort, dir } = input;
  const raw = input.cursor ?? null;
  const backward = raw?.startsWith("b.") ?? false;
  if (raw && !/^[ab]\./.test(raw))
    throw new KeyholdError("invalid-input", "The page cursor is not valid.", { cursor: "Not valid" });
  const inner = raw ? raw.slice(2) : null;
  const run = (d: IndexDir) =>
    input.tenantWide
      ? listTenantVisible(prisma, { ...input.query, sort, dir: d, cursor: inner })
      : listVisible(prisma, { ...input.query, sort, dir: d, cursor: inner });
  if (!backward) {
    const page = await run(dir);
    const first = page.rows[0];
    return {
      rows: page.rows,
      total: page.total,
      nextCursor: page.nextCursor ? `a.${page.nextCursor}` : null,
      prevCursor: inner && first ? `b.${cursorAt(first, sort, flip(dir))}` : null,
    };
  }
  const page = await run(flip(dir));
  const rows = [...page.rows].reverse();
  const last = rows[rows.length - 1];
  return {
    rows,
    total: page.total,
    nextCursor: last ? `a.${cursorAt(last, sort, dir)}` : null,
    prevCursor: page.nextCursor ? `b.${page.nextCursor}` : null,
  };
}
