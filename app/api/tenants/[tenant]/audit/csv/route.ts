import { defineRoute } from "@/lib/server/route";
import { auditExportView } from "@/lib/views/audit-log";
import { csvResponse } from "@/lib/audit/csv-response";

/** One tenant's audit log as CSV, with the Audit tab's filters. */
export const GET = defineRoute(auditExportView, csvResponse("keyhold-audit.csv"));

export const dynamic = "force-dynamic";
