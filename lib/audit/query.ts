import "server-only";
import { z } from "zod";
import type { Prisma, PrismaClient } from "../db/generated/client";
import { tenantSlugSchema } from "../tenancy/names";
import { calendarDate, startOfDay } from "../input/calendar-date";
import { plainText } from "../input/plain-text";
const blankToUndefined = (v: unknown) => (v === "" ? undefined : v);

/** Filters as they arrive from the URL (the Audit tab's GET form) or the CSV link. */
export const auditFilterInput = z.object({
  tenant: tenantSlugSchema.optional(),
  actor: z.preprocess(blankToUndefined, plainText(254).optional()),
  action: z.preprocess(blankToUndefined, plainText(64).optional()),
  namespace: z.preprocess(blankToUndefined, plainText(255).optional()),
  from: z.preprocess(blankToUndefined, calendarDate.optional()),
  to: z.preprocess(blankToUndefined, calendarDate.optional()),
  page: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(100000).optional()),
});

export type AuditFilters = z.output<typeof auditFilterInput>;
export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_EXPORT_LIMIT = 10000;

export interface AuditRow {
  id: string;
  at: string;
  tenant: string | null;
  namespace: string | null;
  actor: string;
  action: string;
  outcome: string;
  details: string;
}

function where(tenantId: string | null, f: AuditFilters): Prisma.AuditEventWhereInput {
  const end = f.to ? startOfDay(f.to) : undefined;
  if (end) end.setUTCDate(end.getUTCDate() + 1);
  return {
    // Scoped by tenant unless an instance administrator asks for the whole instance (tenantId null).
    ...(tenantId !== null ? { tenantId } : {}),
    ...(f.actor ? { actor: { contains: f.actor, mode: "insensitive" } } : {}),
    ...(f.action ? { action: { startsWith: f.action } } : {}),
    ...(f.namespace ? { OR: [{ namespace: f.namespace }, { namespace: { startsWith: `${f.namespace}.` } }] } : {}),
    ...(f.from || end
      ? { createdAt: { ...(f.from ? { gte: startOfDay(f.from) } : {}), ...(end ? { lt: end } : {}) } }
      : {}),
  };
}

export async function queryAudit(
  prisma: PrismaClient,
  tenantId: string | null,
  f: AuditFilters,
  take = AUDIT_PAGE_SIZE,
) {
  const page = f.page ?? 1;
  const w = where(tenantId, f);
  const [total, rows] = await Promise.all([
    prisma.auditEvent.count({ where: w }),
    prisma.auditEvent.findMany({
      where: w,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * take,
      take,
      select: {
        id: true,
        createdAt: true,
        namespace: true,
        actor: true,
        action: true,
        outcome: true,
        details: true,
        tenant: { select: { slug: true } },
      },
    }),
  ]);
  const out: AuditRow[] = rows.map((r) => ({
    id: r.id,
    at: r.createdAt.toISOString(),
    tenant: r.tenant?.slug ?? null,
    namespace: r.namespace,
    actor: r.actor,
    action: r.action,
    outcome: r.outcome,
    details: JSON.stringify(r.details ?? {}),
  }));
  return { rows: out, total, page, pageCount: Math.max(1, Math.ceil(total / take)) };
}
