import "server-only";
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { db } from "../db/client";
import type { PrismaClient } from "../db/generated/client";
import { currentSession, type Session } from "../auth/session";
import { isAllowed, type Permission } from "../auth/permissions";
import { KeyholdError, type ActionResult } from "../errors";
import { logger } from "../log";
import { isBackendError } from "../backends/backend-error";

export interface TenantRef {
  id: string;
  slug: string;
}

export interface GuardContext {
  session: Session;
  prisma: PrismaClient;
  /** The tenant the call is about, resolved and checked; every query below must be scoped by its id. */
  tenant: TenantRef | null;
}

export interface GuardSpec<S extends z.ZodType, R> {
  /** Names the call in logs and audit entries. */
  name: string;
  permission: Permission;
  input: S;
  /** Which tenant (by id in the URL, e.g. `acme`) the input refers to, when it refers to one. */
  tenant?: (input: z.output<S>) => string;
  run: (ctx: GuardContext, input: z.output<S>) => Promise<R>;
}

function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "_";
    out[key] ??= issue.message;
  }
  return out;
}

/** Session → input schema → tenant → permission → handler, with every failure mapped to `{ code, message }`. */
export async function runGuarded<S extends z.ZodType, R>(spec: GuardSpec<S, R>, raw: unknown): Promise<ActionResult<R>> {
  try {
    const session = await currentSession();
    if (!session) throw new KeyholdError("unauthenticated", "Sign in to continue.");
    const parsed = spec.input.safeParse(raw);
    if (!parsed.success) {
      const fieldErrors = fieldErrorsOf(parsed.error);
      throw new KeyholdError("invalid-input", "Some fields need attention.", fieldErrors);
    }
    const prisma = await db();
    let tenant: TenantRef | null = null;
    if (spec.tenant) {
      const slug = spec.tenant(parsed.data);
      tenant = await prisma.tenant.findUnique({ where: { slug }, select: { id: true, slug: true } });
      if (!tenant) throw new KeyholdError("not-found", `Tenant '${slug}' does not exist.`);
    }
    if (!isAllowed(session, spec.permission)) {
      throw new KeyholdError("forbidden", "You do not have permission to do this.");
    }
    return { ok: true, data: await spec.run({ session, prisma, tenant }, parsed.data) };
  } catch (error) {
    if (error instanceof KeyholdError) return { ok: false, error: error.toShape() };
    if (isBackendError(error)) return { ok: false, error: { code: error.code, message: error.message } };
    const reference = randomUUID().slice(0, 8);
    logger.error({ call: spec.name, reference, error: (error as Error)?.name }, "unexpected error");
    return { ok: false, error: { code: "internal", message: `Something went wrong (reference ${reference}). Nothing was changed.` } };
  }
}
