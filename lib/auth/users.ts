import "server-only";
import { randomBytes } from "node:crypto";
import type { Prisma, PrismaClient } from "../db/generated/client";
import { hashPassword } from "./password";

type Tx = PrismaClient | Prisma.TransactionClient;

const newId = () => randomBytes(16).toString("base64url");

/** Creates a user with a password account in better-auth's shape (provider "credential", account id = user id). */
export async function createPasswordUser(tx: Tx, input: { email: string; name: string; password: string }) {
  const id = newId();
  const user = await tx.user.create({ data: { id, email: input.email, name: input.name, emailVerified: true }, select: { id: true, email: true } });
  await tx.account.create({ data: { id: newId(), accountId: id, providerId: "credential", userId: id, password: await hashPassword(input.password) } });
  return user;
}
