import "server-only";
import { z } from "zod";
import type { PrismaClient } from "../db/generated/client";
import type { Role as DbRole } from "../db/generated/enums";
import { KeyholdError } from "../errors";
import type { TenantRef } from "../tenancy/tenant-ref";
import { emailSchema, passwordSchema, personNameSchema } from "../auth/credentials-input";
import { findOrCreateUser } from "../auth/users";
import { findNamespace } from "../tenancy/namespaces";
import { namespacePathSchema, tenantSlugSchema } from "../tenancy/names";
import { recordAudit } from "../audit/record";

/** Roles a tenant administrator may grant; instance administrators are made on the setup page or from the environment. */
export const TENANT_ROLES = ["tenant-admin", "namespace-editor", "viewer"] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];
const TO_DB: Record<TenantRole, DbRole> = {
  "tenant-admin": "TENANT_ADMIN",
  "namespace-editor": "NAMESPACE_EDITOR",
  viewer: "VIEWER",
};
const FROM_DB: Record<string, TenantRole> = {
  TENANT_ADMIN: "tenant-admin",
  NAMESPACE_EDITOR: "namespace-editor",
  VIEWER: "viewer",
};

export const addTenantUserInput = z
  .strictObject({
    tenant: tenantSlugSchema,
    email: emailSchema,
    // Name and password only matter for a new account; an existing user keeps theirs.
    name: personNameSchema.optional(),
    password: passwordSchema.optional(),
    role: z.enum(TENANT_ROLES),
    namespace: namespacePathSchema.nullable(),
  })
  .refine((i) => !(i.role === "tenant-admin" && i.namespace), {
    path: ["namespace"],
    message: "A tenant administrator covers the whole tenant",
  });

export async function listTenantUsers(prisma: PrismaClient, tenantId: string) {
  const rows = await prisma.roleBinding.findMany({
    where: { tenantId },
    select: { id: true, role: true, namespace: true, user: { select: { id: true, email: true, name: true } } },
    orderBy: [{ user: { email: "asc" } }, { createdAt: "asc" }],
  });
  const users = new Map<
    string,
    { userId: string; email: string; name: string; roles: { id: string; role: TenantRole; namespace: string | null }[] }
  >();
  for (const r of rows) {
    const u = users.get(r.user.id) ?? { userId: r.user.id, email: r.user.email, name: r.user.name, roles: [] };
    u.roles.push({ id: r.id, role: FROM_DB[r.role], namespace: r.namespace });
    users.set(r.user.id, u);
  }
  return [...users.values()];
}

/** Grants a role in the tenant, creating the account first when the email is new. */
export async function addTenantUser(
  prisma: PrismaClient,
  tenant: TenantRef,
  actor: string,
  input: z.output<typeof addTenantUserInput>,
) {
  if (input.namespace && !(await findNamespace(prisma, tenant.id, input.namespace))) {
    throw new KeyholdError("invalid-input", "Some fields need attention.", {
      namespace: `Namespace '${input.namespace}' does not exist`,
    });
  }
  return prisma.$transaction(async (tx) => {
    const user = await findOrCreateUser(tx, input, () =>
      recordAudit(tx, {
        tenantId: tenant.id,
        namespace: null,
        actor,
        action: "user.created",
        outcome: "success",
        details: { email: input.email },
      }),
    );
    const role = TO_DB[input.role];
    const same = await tx.roleBinding.findFirst({
      where: { userId: user.id, tenantId: tenant.id, role, namespace: input.namespace },
    });
    if (same) throw new KeyholdError("already-exists", `${input.email} already has this role.`);
    await tx.roleBinding.create({ data: { userId: user.id, tenantId: tenant.id, role, namespace: input.namespace } });
    await recordAudit(tx, {
      tenantId: tenant.id,
      namespace: input.namespace,
      actor,
      action: "role.granted",
      outcome: "success",
      details: { email: input.email, role: input.role },
    });
    return { email: user.email };
  });
}

/** Revokes one role binding of this tenant (the tenant id in the where clause keeps other tenants' bindings out of reach). */
export async function revokeRole(prisma: PrismaClient, tenant: TenantRef, actor: string, bindingId: string) {
  return prisma.$transaction(async (tx) => {
    const binding = await tx.roleBinding.findFirst({
      where: { id: bindingId, tenantId: tenant.id },
      select: { id: true, role: true, namespace: true, user: { select: { email: true } } },
    });
    if (!binding) throw new KeyholdError("not-found", "That role does not exist in this tenant.");
    await tx.roleBinding.delete({ where: { id: binding.id } });
    await recordAudit(tx, {
      tenantId: tenant.id,
      namespace: binding.namespace,
      actor,
      action: "role.revoked",
      outcome: "success",
      details: { email: binding.user.email, role: FROM_DB[binding.role] },
    });
  });
}

/** Removes every role the user holds in this tenant; a user left with no role anywhere is signed out everywhere. */
export async function removeTenantUser(prisma: PrismaClient, tenant: TenantRef, actor: string, userId: string) {
  return prisma.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true } });
    const removed = await tx.roleBinding.deleteMany({ where: { userId, tenantId: tenant.id } });
    if (!user || removed.count === 0) throw new KeyholdError("not-found", "That user has no role in this tenant.");
    if ((await tx.roleBinding.count({ where: { userId } })) === 0) await tx.session.deleteMany({ where: { userId } });
    await recordAudit(tx, {
      tenantId: tenant.id,
      namespace: null,
      actor,
      action: "user.removed",
      outcome: "success",
      details: { email: user.email, roles: removed.count },
    });
  });
}
