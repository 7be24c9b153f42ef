import "server-only";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import type { PrismaClient } from "../db/generated/client";
import type { Role as DbRole } from "../db/generated/enums";
import { KeyholdError } from "../errors";
import { recordAudit } from "../audit/record";
import { namespacePathSchema, tenantSlugSchema } from "../tenancy/names";
import { isAllowed, isInstanceAdmin, ROLES, type Binding, type Role } from "./permissions";
import type { Session } from "./session";

/**
 * API tokens: `kh_` and 32 random bytes (base64url). Only their SHA-256 is stored. A slow password hash (argon2)
 * protects low-entropy secrets people choose from offline guessing; a 256-bit random token cannot be guessed, so a
 * fast digest is as safe and lets every request find its token by an indexed lookup instead of trying each hash.
 */
export const TOKEN_PATTERN = /^kh_[A-Za-z0-9_-]{43}$/;
export const MAX_TOKEN_DAYS = 365;

const TO_DB: Record<Role, DbRole> = {
  "instance-admin": "INSTANCE_ADMIN",
  "tenant-admin": "TENANT_ADMIN",
  "namespace-editor": "NAMESPACE_EDITOR",
  viewer: "VIEWER",
};
const FROM_DB = Object.fromEntries(Object.entries(TO_DB).map(([k, v]) => [v, k])) as Record<DbRole, Role>;

/** Service accounts are users that cannot sign in (no password): a reserved domain names them. */
export const SERVICE_ACCOUNT_DOMAIN = "service-accounts.keyhold.invalid";

export const digestToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

export const tokenName = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "Lowercase letters, digits, '.', '_' and '-', at most 64 characters");

export const createApiTokenInput = z
  .strictObject({
    name: tokenName,
    /** Absent: the token acts as its creator; otherwise as this service account (created on first use of the name). */
    serviceAccount: z.preprocess((v) => (v === "" ? undefined : v), tokenName.optional()),
    role: z.enum(ROLES),
    tenant: z.preprocess((v) => (v === "" ? null : v), tenantSlugSchema.nullable()),
    namespace: z.preprocess((v) => (v === "" ? null : v), namespacePathSchema.nullable()),
    expiresInDays: z.coerce.number().int().min(1).max(MAX_TOKEN_DAYS),
  })
  .superRefine(bindingShape);

/** The binding a token asks for must make sense: the instance role on no tenant, any other on one tenant. */
function bindingShape(
  i: { role: Role; tenant: string | null; namespace: string | null },
  ctx: { addIssue: (issue: { code: "custom"; path: string[]; message: string }) => void },
) {
  if (i.role === "instance-admin" && (i.tenant || i.namespace))
    ctx.addIssue({ code: "custom", path: ["tenant"], message: "An instance administrator covers every tenant" });
  if (i.role !== "instance-admin" && !i.tenant)
    ctx.addIssue({ code: "custom", path: ["tenant"], message: "Choose the tenant the role applies to" });
  if (i.role === "tenant-admin" && i.namespace)
    ctx.addIssue({ code: "custom", path: ["namespace"], message: "A tenant administrator covers the whole tenant" });
}

/** The same request as JSON (REST API v1): typed fields, no form coercions; tenant and namespace default to none. */
export const apiTokenRequestInput = z
  .strictObject({
    name: tokenName,
    serviceAccount: tokenName.optional(),
    role: z.enum(ROLES),
    tenant: tenantSlugSchema.nullable().default(null),
    namespace: namespacePathSchema.nullable().default(null),
    expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS),
  })
  .superRefine(bindingShape);

export type CreateApiTokenInput = z.output<typeof createApiTokenInput>;

/** Whoever holds `bindings` may hand out `binding`: the instance role only from an instance administrator, any other from whoever may manage users there. */
export function canGrant(bindings: readonly Binding[], binding: Binding): boolean {
  if (binding.role === "instance-admin") return isInstanceAdmin(bindings);
  if (binding.tenantId === null) return false;
  return isAllowed(bindings, "user:manage", { tenantId: binding.tenantId, namespace: binding.namespace });
}

async function bindingsOfUser(prisma: PrismaClient, userId: string): Promise<Binding[]> {
  const rows = await prisma.roleBinding.findMany({
    where: { userId },
    select: { role: true, tenantId: true, namespace: true },
  });
  return rows.map((r) => ({ role: FROM_DB[r.role], tenantId: r.tenantId, namespace: r.namespace }));
}

/** Creates a token and returns it once: only its digest is kept. */
export async function createApiToken(
  prisma: PrismaClient,
  creator: Session,
  input: CreateApiTokenInput,
  now = new Date(),
) {
  let tenantId: string | null = null;
  if (input.tenant) {
    const tenant = await prisma.tenant.findUnique({ where: { slug: input.tenant }, select: { id: true } });
    if (!tenant && !isInstanceAdmin(creator.bindings))
      throw new KeyholdError("forbidden", "You may not grant a role in this tenant.");
    if (!tenant)
      throw new KeyholdError("not-found", `Tenant '${input.tenant}' does not exist.`, { tenant: "No such tenant" });
    tenantId = tenant.id;
  }
  const binding: Binding = { role: input.role, tenantId, namespace: input.namespace };
  if (!canGrant(creator.bindings, binding))
    throw new KeyholdError("forbidden", "A token can only hold a role you may grant yourself.", {
      role: "You may not grant this role here",
    });
  if (await prisma.apiToken.findUnique({ where: { name: input.name }, select: { id: true } }))
    throw new KeyholdError("already-exists", `A token named '${input.name}' already exists.`, {
      name: "This name is taken",
    });
  const token = `kh_${randomBytes(32).toString("base64url")}`;
  // A token made with a token (REST API) never outlives it, and names it: revoking the parent stops it too.
  const parent = "token" in creator ? (creator as TokenSession).token : null;
  if (parent && (await ancestorsOf(prisma, parent.id)) + 1 >= MAX_CHAIN)
    throw new KeyholdError(
      "forbidden",
      `Tokens made with tokens go at most ${MAX_CHAIN} deep: make this one with another token.`,
    );
  const asked = now.getTime() + input.expiresInDays * 86_400_000;
  const expiresAt = new Date(parent ? Math.min(asked, parent.expiresAt.getTime()) : asked);
  try {
    return await prisma.$transaction(async (tx) => {
      let userId = creator.userId;
      let userEmail = creator.actor;
      if (input.serviceAccount) {
        const email = `${input.serviceAccount}@${SERVICE_ACCOUNT_DOMAIN}`;
        const user = await tx.user.upsert({
          where: { email },
          update: {},
          create: { id: randomUUID(), email, name: `Service account ${input.serviceAccount}`, emailVerified: false },
          select: { id: true, email: true },
        });
        userId = user.id;
        userEmail = user.email;
      }
      const row = await tx.apiToken.create({
        data: {
          name: input.name,
          prefix: token.slice(0, 11),
          hash: digestToken(token),
          userId,
          createdById: creator.userId,
          createdBy: creator.actor,
          role: TO_DB[input.role],
          tenantId,
          namespace: input.namespace,
          expiresAt,
          parentTokenId: parent?.id ?? null,
        },
        select: { id: true, name: true, expiresAt: true },
      });
      await recordAudit(tx, {
        tenantId,
        namespace: input.namespace,
        actor: creator.actor,
        action: "api-token.created",
        outcome: "success",
        details: {
          name: input.name,
          user: userEmail,
          role: input.role,
          namespace: input.namespace,
          expiresAt: expiresAt.toISOString(),
        },
      });
      return { id: row.id, name: row.name, token, expiresAt: row.expiresAt.toISOString() };
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002")
      throw new KeyholdError("already-exists", `A token named '${input.name}' already exists.`, {
        name: "This name is taken",
      });
    throw error;
  }
}

export const apiTokenViewSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  user: z.string(),
  createdBy: z.string(),
  role: z.enum(ROLES),
  tenant: z.string().nullable(),
  namespace: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type ApiTokenView = z.infer<typeof apiTokenViewSchema>;

/** The tokens a caller may see and revoke: an instance administrator's, all; anyone else's, those whose role they may grant. */
export async function listApiTokens(prisma: PrismaClient, session: Session): Promise<ApiTokenView[]> {
  const rows = await prisma.apiToken.findMany({
    where: isInstanceAdmin(session.bindings)
      ? {}
      : { tenantId: { in: session.bindings.flatMap((b) => (b.tenantId ? [b.tenantId] : [])) } },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    include: { user: { select: { email: true } }, tenant: { select: { slug: true } } },
    take: 500,
  });
  return rows
    .filter((r) => canGrant(session.bindings, { role: FROM_DB[r.role], tenantId: r.tenantId, namespace: r.namespace }))
    .map((r) =>
      apiTokenViewSchema.parse({
        id: r.id,
        name: r.name,
        prefix: r.prefix,
        user: r.user.email,
        createdBy: r.createdBy,
        role: FROM_DB[r.role],
        tenant: r.tenant?.slug ?? null,
        namespace: r.namespace,
        createdAt: r.createdAt.toISOString(),
        expiresAt: r.expiresAt.toISOString(),
        revokedAt: r.revokedAt?.toISOString() ?? null,
        lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
      }),
    );
}

export async function revokeApiToken(prisma: PrismaClient, session: Session, id: string): Promise<{ name: string }> {
  const row = await prisma.apiToken.findUnique({ where: { id } });
  const binding = row && { role: FROM_DB[row.role], tenantId: row.tenantId, namespace: row.namespace };
  if (!row || !canGrant(session.bindings, binding!)) throw new KeyholdError("not-found", "No such token.");
  if (row.revokedAt) return { name: row.name };
  await prisma.$transaction(async (tx) => {
    const at = new Date();
    await tx.apiToken.update({ where: { id }, data: { revokedAt: at } });
    // The tokens made with it stop with it (each use checks its parent too); marked so the list says so.
    for (let parents = [id], depth = 0; parents.length && depth < MAX_CHAIN; depth++) {
      const children = await tx.apiToken.findMany({ where: { parentTokenId: { in: parents } }, select: { id: true } });
      parents = children.map((c) => c.id);
      if (parents.length)
        await tx.apiToken.updateMany({ where: { id: { in: parents }, revokedAt: null }, data: { revokedAt: at } });
    }
    await recordAudit(tx, {
      tenantId: row.tenantId,
      namespace: row.namespace,
      actor: session.actor,
      action: "api-token.revoked",
      outcome: "success",
      details: { name: row.name },
    });
  });
  return { name: row.name };
}

/** A caller authenticated by a token: the token's user with the token's one binding. */
export interface TokenSession extends Session {
  token: { id: string; name: string; tenantId: string | null; expiresAt: Date };
}

type TokenRow = { role: DbRole; tenantId: string | null; namespace: string | null };
const bindingOf = (row: TokenRow): Binding => ({
  role: FROM_DB[row.role],
  tenantId: row.tenantId,
  namespace: row.namespace,
});

/** Tokens made with tokens, at most this deep: each use walks the chain. */
const MAX_CHAIN = 8;

/** How many tokens made the token `id` (0: made by a user), counted up to MAX_CHAIN. */
async function ancestorsOf(prisma: PrismaClient, id: string): Promise<number> {
  let count = 0;
  for (let at: string | null = id; count < MAX_CHAIN; count++) {
    const row: { parentTokenId: string | null } | null = await prisma.apiToken.findUnique({
      where: { id: at },
      select: { parentTokenId: true },
    });
    at = row?.parentTokenId ?? null;
    if (!at) break;
  }
  return count;
}

/**
 * Whether the authority a token was made with still stands: its parent token (when made with one) still valid and able
 * to grant it, up the chain, and at the top the creating user still able to grant it.
 */
async function authorityStands(
  prisma: PrismaClient,
  row: TokenRow & { createdById: string; parentTokenId: string | null },
  now: Date,
  depth = 0,
): Promise<boolean> {
  if (!row.parentTokenId) return canGrant(await bindingsOfUser(prisma, row.createdById), bindingOf(row));
  if (depth >= MAX_CHAIN) return false;
  const parent = await prisma.apiToken.findUnique({ where: { id: row.parentTokenId } });
  if (!parent || parent.revokedAt || parent.expiresAt.getTime() <= now.getTime()) return false;
  if (!canGrant([bindingOf(parent)], bindingOf(row))) return false;
  return authorityStands(prisma, parent, now, depth + 1);
}

/**
 * Resolves `Authorization: Bearer <token>` to its principal, or null when the token is malformed, unknown, revoked or
 * expired, or when its creator could no longer grant its role (a demoted administrator's tokens stop with them).
 */
export async function sessionForBearer(
  prisma: PrismaClient,
  token: string,
  now = new Date(),
): Promise<TokenSession | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const row = await prisma.apiToken.findUnique({
    where: { hash: digestToken(token) },
    include: { user: { select: { email: true, name: true } } },
  });
  if (!row || row.revokedAt || row.expiresAt.getTime() <= now.getTime()) return null;
  const binding = bindingOf(row);
  if (!(await authorityStands(prisma, row, now))) return null;
  // Minute precision is what the list shows: a burst of calls writes the row once.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= 60_000)
    await prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  return {
    userId: row.userId,
    actor: `${row.user.email} (token ${row.name})`.slice(0, 255),
    name: row.user.name,
    bindings: [binding],
    token: { id: row.id, name: row.name, tenantId: row.tenantId, expiresAt: row.expiresAt },
  };
}
