import "server-only";
import { z } from "zod";
import type { PrismaClient } from "../db/generated/client";
import { KeyholdError } from "../errors";
import { emailSchema, passwordSchema, personNameSchema } from "../auth/credentials-input";
import { findOrCreateUser } from "../auth/users";
import { recordAudit } from "../audit/record";

export const addInstanceAdminInput = z.strictObject({
  email: emailSchema,
  name: personNameSchema.optional(),
  password: passwordSchema.optional(),
});

export async function listInstanceAdmins(prisma: PrismaClient) {
  const rows = await prisma.roleBinding.findMany({
    where: { role: "INSTANCE_ADMIN" },
    select: { id: true, user: { select: { id: true, email: true, name: true } } },
    orderBy: { user: { email: "asc" } },
  });
  return rows.map((r) => ({ bindingId: r.id, userId: r.user.id, email: r.user.email, name: r.user.name }));
}

/** Makes an account (new or existing) an instance administrator. */
export async function addInstanceAdmin(
  prisma: PrismaClient,
  actor: string,
  input: z.output<typeof addInstanceAdminInput>,
) {
  return prisma.$transaction(async (tx) => {
    const user = await findOrCreateUser(tx, input, () =>
      recordAudit(tx, {
        tenantId: null,
        actor,
        action: "user.created",
        outcome: "success",
        details: { email: input.email },
      }),
    );
    if (await tx.roleBinding.findFirst({ where: { userId: user.id, role: "INSTANCE_ADMIN" } }))
      throw new KeyholdError("already-exists", `${input.email} is already an instance administrator.`);
    await tx.roleBinding.create({ data: { userId: user.id, role: "INSTANCE_ADMIN" } });
    await recordAudit(tx, {
      tenantId: null,
      actor,
      action: "role.granted",
      outcome: "success",
      details: { email: input.email, role: "instance-admin" },
    });
    return { email: user.email };
  });
}

/** Revokes instance administration, never the caller's own (so the instance cannot lose its last administrator by accident). */
export async function revokeInstanceAdmin(
  prisma: PrismaClient,
  actor: { userId: string; actor: string },
  bindingId: string,
) {
  return prisma.$transaction(async (tx) => {
    const binding = await tx.roleBinding.findFirst({
      where: { id: bindingId, role: "INSTANCE_ADMIN" },
      select: { id: true, userId: true, user: { select: { email: true } } },
    });
    if (!binding) throw new KeyholdError("not-found", "That administrator binding does not exist.");
    if (binding.userId === actor.userId)
      throw new KeyholdError("conflict", "You cannot revoke your own administrator role; ask another administrator.");
    await tx.roleBinding.delete({ where: { id: binding.id } });
    await recordAudit(tx, {
      tenantId: null,
      actor: actor.actor,
      action: "role.revoked",
      outcome: "success",
      details: { email: binding.user.email, role: "instance-admin" },
    });
  });
}
