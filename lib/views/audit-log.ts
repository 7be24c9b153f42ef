import "server-only";
import type { z } from "zod";
import { auditFilterInput, AUDIT_EXPORT_LIMIT, queryAudit } from "../audit/query";
import type { GuardSpec } from "../server/guard";

/**
 * The Audit tab: one tenant's events, or (no tenant in the input) the whole instance's, which the matrix
 * gives to instance administrators only.
 */
export const auditLogView = {
  name: "view.audit-log",
  permission: "audit:read",
  input: auditFilterInput,
  tenant: (i) => i.tenant ?? null,
  run: async ({ prisma, tenant }, filters) => queryAudit(prisma, tenant?.id ?? null, filters),
} satisfies GuardSpec<typeof auditFilterInput, unknown>;

export const auditExportView = {
  ...auditLogView,
  name: "view.audit-export",
  run: async ({ prisma, tenant }, filters) =>
    (await queryAudit(prisma, tenant?.id ?? null, { ...filters, page: 1 }, AUDIT_EXPORT_LIMIT)).rows,
} satisfies GuardSpec<typeof auditFilterInput, unknown>;

export type AuditFilterQuery = z.input<typeof auditFilterInput>;
