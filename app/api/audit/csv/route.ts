import { defineRoute } from "@/lib/server/route";
import { auditExportView } from "@/lib/views/audit-log";
import { csvResponse } from "@/lib/audit/csv-response";

/** The instance-wide audit log as CSV, with the Audit page's filters (instance administrators only). */
export const GET = defineRoute(auditExportView, csvResponse("keyhold-audit.csv"));

export const dynamic = "force-dynamic";
