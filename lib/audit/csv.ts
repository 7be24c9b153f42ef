import type { AuditRow } from "./query";

const COLUMNS: (keyof AuditRow)[] = ["at", "tenant", "namespace", "actor", "action", "outcome", "details"];

/** One CSV cell: quoted, and a leading = + - @ neutralised so a spreadsheet never runs it as a formula. */
export function csvCell(value: string | null): string {
  let v = value ?? "";
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return `"${v.replace(/"/g, '""')}"`;
}

export function auditCsv(rows: AuditRow[]): string {
  return [COLUMNS.join(","), ...rows.map((r) => COLUMNS.map((c) => csvCell(r[c])).join(","))].join("\r\n") + "\r\n";
}
