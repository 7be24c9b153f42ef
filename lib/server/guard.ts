import "server-only";
import { randomUUID } from "node:crypto";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { db } from "../db/client";
import { rawRead } from "../db/raw-read";
import type { PrismaClient } from "../db/generated/client";
import { currentSession, type Session } from "../auth/session";
import { isAllowed, isInstanceAdmin, MUTATIONS, type Permission } from "../auth/permissions";
import { KeyholdError, type ActionResult } from "../errors";
import { logger } from "../log";
import { isBackendError } from "../backends/backend-error";
import type { TenantRef } from "../tenancy/tenant-ref";
import { recordAudit } from "../audit/record";
import { DATABASE_UNAVAILABLE, isDatabaseUnavailable } from "../db/unavailable";

export interface GuardContext<P = Session> {
  session: P;
  prisma: PrismaClient;
  /** The tenant the call is about, resolved and checked; every query below must be scoped by its id. */
  tenant: TenantRef | null;
  /** What an `early` resolver read besides the caller and the tenant, in the same statement (see GuardOptions). */
  early?: unknown;
}

/**
 * A route may resolve the caller and the tenant together, in one read with whatever its handler reads first
 * (lib/secrets/list-route.ts): the guard then checks what that read found exactly as it checks its own reads.
 * Only for callers identified by the session cookie; asked only when the input is valid.
 */
export interface EarlyRead {
  session: Session | null;
  tenant: TenantRef | null;
  /** Handed to the handler as `ctx.early`. */
  early?: unknown;
}

export interface GuardOptions {
  early?: (prisma: PrismaClient, slug: string | null, input: never) => Promise<EarlyRead>;
}

interface SpecBase<S extends z.ZodType> {
  /** Names the call in logs and audit entries. */
  name: string;
  input: S;
  /** Which tenant (by id in the URL, e.g. `acme`) the input refers to; null for an instance-wide call. */
  tenant?: (input: z.output<S>) => string | null | undefined;
  /** Which namespace the call touches: the caller needs a binding on it or an ancestor (or the whole tenant). */
  namespace?: (input: z.output<S>) => string | null | undefined;
  /** The call may name a tenant that does not exist yet (configuration as code creates it): an instance administrator's call then runs with `tenant: null`. */
  tenantMayBeNew?: true;
}

/** A call that needs a signed-in user holding `permission` on the target. */
export interface GuardSpec<S extends z.ZodType, R> extends SpecBase<S> {
  permission: Permission;
  run: (ctx: GuardContext, input: z.output<S>) => Promise<R>;
}

/** A call open to anyone (sign-in, first-administrator setup, health); still validated and error-mapped. */
export interface PublicSpec<S extends z.ZodType, R> extends SpecBase<S> {
  permission: "public";
  run: (ctx: GuardContext<Session | null>, input: z.output<S>) => Promise<R>;
}

export type AnySpec<S extends z.ZodType, R> = GuardSpec<S, R> | PublicSpec<S, R>;

function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "_";
    out[key] ??= issue.message;
  }
  return out;
}

const FORBIDDEN = "You do not have permission to do this.";
const TENANT_BY_SLUG = `SELECT "id", "slug" FROM "Tenant" WHERE "slug" = $1`;

/** Records a refused change, so the audit log shows attempts as well as changes. */
async function auditRefusal(
  prisma: PrismaClient,
  session: Session,
  name: string,
  tenant: TenantRef | null,
  namespace: string | null,
) {
  await recordAudit(prisma, {
    tenantId: tenant?.id ?? null,
    namespace,
    actor: session.actor,
    action: name,
    outcome: "forbidden",
  }).catch(() => undefined);
}

/** Session → input schema → tenant → permission (on the namespace, when the call names one) → handler; every failure mapped to `{ code, message }`. */
export async function runGuarded<S extends z.ZodType, R>(
  spec: AnySpec<S, R>,
  raw: unknown,
  /** Who calls, when not the session cookie (the REST API's bearer tokens, lib/api/v1/handler.ts). */
  principal: () => Promise<Session | null> = currentSession,
  options: GuardOptions = {},
): Promise<ActionResult<R>> {
  try {
    // Parsing is pure; its failure is still reported after a missing session, as before.
    const parsed = spec.input.safeParse(raw);
    const slug = parsed.success ? (spec.tenant?.(parsed.data) ?? null) : null;
    const early = options.early && parsed.success ? await options.early(await db(), slug, parsed.data as never) : null;
    const session = early ? early.session : await principal();
    if (!session && spec.permission !== "public") throw new KeyholdError("unauthenticated", "Sign in to continue.");
    if (!parsed.success) {
      const fieldErrors = fieldErrorsOf(parsed.error);
      throw new KeyholdError("invalid-input", "Some fields need attention.", fieldErrors);
    }
    const prisma = await db();
    const namespace = spec.namespace?.(parsed.data) ?? null;
    let tenant: TenantRef | null = null;
    if (slug !== null) {
      // By the driver (lib/db/raw-read.ts): every guarded call with a tenant makes this read (or the early one).
      if (early) tenant = early.tenant;
      else [tenant = null] = await rawRead<TenantRef>(prisma, TENANT_BY_SLUG, [slug]);
      // Only instance administrators learn whether a tenant they cannot see exists.
      if (!tenant && session && !isInstanceAdmin(session.bindings)) {
        if (spec.permission !== "public" && MUTATIONS.has(spec.permission))
          await auditRefusal(prisma, session, spec.name, null, namespace);
        throw new KeyholdError("forbidden", FORBIDDEN);
      }
      if (!tenant && !spec.tenantMayBeNew) throw new KeyholdError("not-found", `Tenant '${slug}' does not exist.`);
    }
    if (spec.permission === "public")
      return { ok: true, data: await spec.run({ session, prisma, tenant }, parsed.data) };
    if (!isAllowed(session!.bindings, spec.permission, { tenantId: tenant?.id ?? null, namespace })) {
      if (MUTATIONS.has(spec.permission)) await auditRefusal(prisma, session!, spec.name, tenant, namespace);
      throw new KeyholdError("forbidden", FORBIDDEN);
    }
    return { ok: true, data: await spec.run({ session: session!, prisma, tenant, early: early?.early }, parsed.data) };
  } catch (error) {
    // Next.js control flow (redirect, notFound, dynamic rendering bail-outs) must pass through untouched.
    unstable_rethrow(error);
    if (error instanceof KeyholdError) return { ok: false, error: error.toShape() };
    if (isBackendError(error)) return { ok: false, error: { code: error.code, message: error.message } };
    if (isDatabaseUnavailable(error))
      return { ok: false, error: { code: "unreachable", message: DATABASE_UNAVAILABLE } };
    const reference = randomUUID().slice(0, 8);
    logger.error({ call: spec.name, reference, error: (error as Error)?.name }, "unexpected error");
    return {
      ok: false,
      error: { code: "internal", message: `Something went wrong (reference ${reference}). Nothing was changed.` },
    };
  }
}
