import { defineRoute } from "@/lib/server/route";
import { auditExportView } from "@/lib/views/audit-log";
import { csvResponse } from "@/lib/audit/csv-response";
import { otherMethods } from "@/lib/server/method-not-allowed";

/** The instance-wide audit log as CSV, with the Audit page's filters (instance administrators only). */
export const GET = defineRoute(auditExportView, csvResponse("keyhold-audit.csv"));
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

export const dynamic = "force-dynamic";
