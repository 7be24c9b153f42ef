import "server-only";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import { db } from "../db/client";
import { deriveSecret } from "../crypto";
import { logger } from "../log";
import { publicUrl } from "../settings";
import { hashPassword, verifyPassword } from "./password";
import { serverEnv } from "../env";

export const SESSION_HOURS = 12;

function create(prisma: Awaited<ReturnType<typeof db>>) {
  const baseURL = publicUrl();
  return betterAuth({
    baseURL,
    secret: serverEnv().KEYHOLD_AUTH_SECRET || deriveSecret("auth-cookie"),
    database: prismaAdapter(prisma, { provider: "postgresql" }),
    // Accounts are created by administrators (lib/auth/users.ts), never by self sign-up.
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: 12,
      maxPasswordLength: 128,
      password: { hash: hashPassword, verify: verifyPassword },
    },
    session: { expiresIn: SESSION_HOURS * 3600, updateAge: 3600, cookieCache: { enabled: false } },
    // Keyhold's own limiter (lib/auth/sign-in-limit.ts) counts failures per account and per address in the
    // database, so it holds across instances; better-auth's HTTP handler is not mounted at all.
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    advanced: {
      useSecureCookies: baseURL.startsWith("https://"),
      defaultCookieAttributes: { httpOnly: true, sameSite: "strict" },
    },
    logger: {
      log: (level, message) =>
        logger[level === "error" ? "error" : level === "warn" ? "warn" : "info"](
          { source: "better-auth" },
          message.slice(0, 300),
        ),
    },
    plugins: [nextCookies()],
  });
}

type Auth = ReturnType<typeof create>;
const holder = globalThis as unknown as { __keyholdAuth?: Promise<Auth> };

/** The better-auth instance, on the one Prisma client, after migrations. */
export function getAuth(): Promise<Auth> {
  holder.__keyholdAuth ??= db().then(create);
  return holder.__keyholdAuth;
}
