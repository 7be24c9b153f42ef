import "server-only";
import type { PrismaClient } from "../db/generated/client";
import { KeyholdError } from "../errors";
import { logger } from "../log";
import { newAccountInput } from "./credentials-input";
import { createPasswordUser } from "./users";
import { recordAudit } from "../audit/record";
import { serverEnv, type Env } from "../env";

export async function hasInstanceAdmin(prisma: PrismaClient): Promise<boolean> {
  return (await prisma.roleBinding.count({ where: { role: "INSTANCE_ADMIN" } })) > 0;
}

/**
 * Creates the first instance administrator, once: under a transaction-scoped advisory lock, so two setup
 * pages submitted at the same moment cannot both win.
 */
export async function createFirstAdmin(
  prisma: PrismaClient,
  input: { email: string; name: string; password: string },
  via: "setup-page" | "environment",
) {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(7301, 1)`;
    if ((await tx.roleBinding.count({ where: { role: "INSTANCE_ADMIN" } })) > 0) {
      throw new KeyholdError("conflict", "An administrator already exists. Sign in instead.");
    }
    const user = await createPasswordUser(tx, input);
    await tx.roleBinding.create({ data: { userId: user.id, role: "INSTANCE_ADMIN" } });
    await recordAudit(tx, {
      actor: via === "environment" ? "system" : input.email,
      action: "user.created",
      outcome: "success",
      details: { email: input.email, role: "instance-admin", via },
    });
    return user;
  });
}

/** KEYHOLD_ADMIN_EMAIL / KEYHOLD_ADMIN_PASSWORD (/ KEYHOLD_ADMIN_NAME): create the first administrator at start-up when none exists. */
export async function ensureAdminFromEnv(
  prisma: PrismaClient,
  env: Pick<Env, "KEYHOLD_ADMIN_EMAIL" | "KEYHOLD_ADMIN_PASSWORD" | "KEYHOLD_ADMIN_NAME"> = serverEnv(),
): Promise<"created" | "exists" | "not-configured"> {
  if (!env.KEYHOLD_ADMIN_EMAIL && !env.KEYHOLD_ADMIN_PASSWORD) return "not-configured";
  if (await hasInstanceAdmin(prisma)) return "exists";
  const parsed = newAccountInput.safeParse({
    email: env.KEYHOLD_ADMIN_EMAIL ?? "",
    name: env.KEYHOLD_ADMIN_NAME ?? "Administrator",
    password: env.KEYHOLD_ADMIN_PASSWORD ?? "",
  });
  if (!parsed.success) {
    const fields = parsed.error.issues
      .map((i) => `KEYHOLD_ADMIN_${String(i.path[0]).toUpperCase()}: ${i.message}`)
      .join("; ");
    throw new Error(`The first administrator from the environment is invalid: ${fields}`);
  }
  try {
    await createFirstAdmin(prisma, parsed.data, "environment");
  } catch (error) {
    if (error instanceof KeyholdError && error.code === "conflict") return "exists";
    throw error;
  }
  logger.info({ email: parsed.data.email }, "created the first administrator from the environment");
  return "created";
}
