import "server-only";
import type { PrismaClient } from "../db/generated/client";
import { KeyholdError } from "../errors";
import { getAuth } from "./auth";
import { clientAddress, releaseSignIn, reserveSignIn, SIGN_IN_ACTION } from "./sign-in-limit";
import { recordAudit } from "../audit/record";

/** One sentence for a wrong email and a wrong password alike, so sign-in does not tell which accounts exist. */
export const SIGN_IN_FAILED = "Invalid email or password.";

async function record(
  prisma: PrismaClient,
  email: string,
  address: string,
  outcome: "success" | "failure" | "rate-limited",
) {
  await recordAudit(prisma, { tenantId: null, actor: email, action: SIGN_IN_ACTION, outcome, details: { address } });
}

/** Reserves a try (per account and address, atomically), asks better-auth to verify the password and set the session cookie, and audits the outcome. */
export async function signIn(prisma: PrismaClient, headers: Headers, email: string, password: string): Promise<void> {
  const address = clientAddress(headers);
  const wait = await reserveSignIn(prisma, email, address);
  if (wait > 0) {
    await record(prisma, email, address, "rate-limited");
    throw new KeyholdError(
      "rate-limited",
      `Too many failed sign-ins. Try again in ${wait} minute${wait === 1 ? "" : "s"}.`,
    );
  }
  const auth = await getAuth();
  try {
    await auth.api.signInEmail({ body: { email, password, rememberMe: false }, headers });
  } catch {
    await record(prisma, email, address, "failure");
    throw new KeyholdError("unauthenticated", SIGN_IN_FAILED);
  }
  await releaseSignIn(prisma, email, address);
  await record(prisma, email, address, "success");
}

/** Ends this session, or every session of the user ("sign out everywhere"). */
export async function signOut(
  prisma: PrismaClient,
  headers: Headers,
  user: { userId: string; actor: string },
  everywhere: boolean,
) {
  const auth = await getAuth();
  if (everywhere) await prisma.session.deleteMany({ where: { userId: user.userId } });
  await auth.api.signOut({ headers }).catch(() => undefined);
  await recordAudit(prisma, {
    tenantId: null,
    actor: user.actor,
    action: everywhere ? "auth.sign-out-everywhere" : "auth.sign-out",
    outcome: "success",
    details: {},
  });
}
