import "server-only";
import { auditCsv } from "./csv";
import type { AuditRow } from "./query";

export function csvResponse(name: string) {
  return (rows: AuditRow[]) =>
    new Response(auditCsv(rows), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${name}"`,
        "cache-control": "no-store",
      },
    });
}
