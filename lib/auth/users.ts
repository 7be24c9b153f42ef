import "server-only";
import { randomBytes } from "node:crypto";
import type { Prisma, PrismaClient } from "../db/generated/client";
import { KeyholdError } from "../errors";
import { hashPassword } from "./password";

type Tx = PrismaClient | Prisma.TransactionClient;

const newId = () => randomBytes(16).toString("base64url");

/** Creates a user with a password account in better-auth's shape (provider "credential", account id = user id). */
export async function createPasswordUser(tx: Tx, input: { email: string; name: string; password: string }) {
  const id = newId();
  const user = await tx.user.create({
    data: { id, email: input.email, name: input.name, emailVerified: true },
    select: { id: true, email: true },
  });
  await tx.account.create({
    data: {
      id: newId(),
      accountId: id,
      providerId: "credential",
      userId: id,
      password: await hashPassword(input.password),
    },
  });
  return user;
}

/**
 * The account for `email`, created with a password when it does not exist yet. A new account needs a
 * name and an initial password; `onCreated` records it (in the caller's audit scope).
 */
export async function findOrCreateUser(
  tx: Tx,
  input: { email: string; name?: string | null; password?: string | null },
  onCreated: () => Promise<unknown>,
): Promise<{ id: string; email: string }> {
  const existing = await tx.user.findUnique({ where: { email: input.email }, select: { id: true, email: true } });
  if (existing) return existing;
  if (!input.name || !input.password) {
    throw new KeyholdError("invalid-input", "Some fields need attention.", {
      ...(!input.name ? { name: "Enter a name for the new user" } : {}),
      ...(!input.password ? { password: "Set an initial password for the new user" } : {}),
    });
  }
  const user = await createPasswordUser(tx, { email: input.email, name: input.name, password: input.password });
  await onCreated();
  return user;
}
