import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { db } from "../db/client";
import { rawRead } from "../db/raw-read";
import type { Binding, Role } from "./permissions";
import type { getAuth } from "./auth";

// The session cookie's common case in one statement (issue 10, load): a signed session token whose session is
// valid and not yet due for better-auth's sliding refresh resolves to the user and their role bindings with one
// read, bypassing better-auth's endpoint machinery (WebCrypto key import, its context, two ORM reads). Every other
// case (no or badly signed cookie, unknown or expired session, a refresh due, a cookie-cache cookie)
// answers `undefined`: the caller asks better-auth itself, which deletes, refreshes or refuses as it always did.

/** The user behind a session, with the bindings read in the same statement. */
export interface LookedUpSession {
  userId: string;
  email: string;
  name: string;
  bindings: Binding[];
}

const ROLE: Record<string, Role> = {
  INSTANCE_ADMIN: "instance-admin",
  TENANT_ADMIN: "tenant-admin",
  NAMESPACE_EDITOR: "namespace-editor",
  VIEWER: "viewer",
};

export const toBinding = (r: { role: string; tenantId: string | null; namespace: string | null }): Binding => ({
  role: ROLE[r.role],
  tenantId: r.tenantId,
  namespace: r.namespace,
});

/** The value of cookie `name` in a Cookie header (the first one, quotes removed, URI-decoded), as better-call parses it. */
export function cookieValue(header: string, name: string): string | null {
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.charCodeAt(0) === 34) value = value.slice(1, -1);
    try {
      return value.includes("%") ? decodeURIComponent(value) : value;
    } catch {
      return value;
    }
  }
  return null;
}

/** Whether any cookie's name is `name` or starts with `name.` (better-auth's chunked cookie-cache cookies). */
const hasCookie = (header: string, name: string) =>
  header.split(";").some((part) => {
    const key = part.slice(0, Math.max(0, part.indexOf("="))).trim();
    return key === name || key.startsWith(`${name}.`);
  });

/**
 * The token of a signed cookie value `<token>.<base64 HMAC-SHA256>` when the signature is the secret's (better-call's
 * format: a 44-character signature ending in '='); null otherwise.
 */
export function verifiedToken(value: string, secret: string): string | null {
  const dot = value.lastIndexOf(".");
  if (dot < 1) return null;
  const token = value.slice(0, dot);
  const signature = value.slice(dot + 1);
  if (signature.length !== 44 || !signature.endsWith("=")) return null;
  const given = Buffer.from(signature, "base64");
  const expected = createHmac("sha256", secret).update(token).digest();
  return given.length === expected.length && timingSafeEqual(given, expected) ? token : null;
}

type AuthContext = Awaited<Awaited<ReturnType<typeof getAuth>>["$context"]>;
export type SessionContext = Pick<AuthContext, "authCookies" | "secret" | "sessionConfig">;

/** What the cookie says, before any read: the session token, and whether "remember me" was off. */
export interface SessionCookie {
  token: string;
  dontRemember: boolean;
}

/** The session token of a request's cookies, when this path may decide (see above); undefined: ask better-auth. */
export function sessionCookieOf(cookieHeader: string | null, context: SessionContext): SessionCookie | undefined {
  if (!cookieHeader) return undefined;
  const { authCookies, secret } = context;
  if (hasCookie(cookieHeader, authCookies.sessionData.name)) return undefined;
  // "Remember me" off (Keyhold's sign-in): better-auth never refreshes such a session, it only expires it.
  const dontRemember = cookieValue(cookieHeader, authCookies.dontRememberToken.name);
  if (dontRemember !== null && !verifiedToken(dontRemember, secret)) return undefined;
  const value = cookieValue(cookieHeader, authCookies.sessionToken.name);
  if (!value) return undefined;
  const token = verifiedToken(value, secret);
  return token ? { token, dontRemember: dontRemember !== null } : undefined;
}

/**
 * The session of token `param` (a placeholder such as `$1`), its user and the user's role bindings as one JSON text
 * (null: no such session): one snapshot, so the bindings belong to the session's user. Also a column of the list
 * route's one read (lib/secrets/list-route.ts).
 */
export const SESSION_JSON = (param: string) => `(SELECT json_build_object('userId', s."userId",
    'expiresAt', (extract(epoch FROM s."expiresAt") * 1000)::float8, 'email', u."email", 'name', u."name",
    'bindings', COALESCE((SELECT json_agg(json_build_object('role', b."role", 'tenantId', b."tenantId",
      'namespace', b."namespace")) FROM "RoleBinding" b WHERE b."userId" = s."userId"), '[]'::json))
  FROM "Session" s JOIN "User" u ON u."id" = s."userId" WHERE s."token" = ${param})::text`;

const LOOKUP = `SELECT ${SESSION_JSON("$1")} AS "session"`;

interface SessionJson {
  userId: string;
  expiresAt: number;
  email: string;
  name: string;
  bindings: Parameters<typeof toBinding>[0][];
}

/**
 * The session a SESSION_JSON column read for `cookie`, when better-auth would accept it as it is (valid, no refresh
 * due); undefined when better-auth must decide. `now` is this process's clock, as better-auth's checks use it.
 */
export function sessionOfRow(
  json: string | null,
  cookie: SessionCookie,
  context: SessionContext,
  now = Date.now(),
): LookedUpSession | undefined {
  if (!json) return undefined;
  const row = JSON.parse(json) as SessionJson;
  // better-auth refreshes a session once `expiresAt - expiresIn + updateAge` has passed (and refuses an expired one).
  const { expiresIn, updateAge } = context.sessionConfig;
  const refreshAt = row.expiresAt - expiresIn * 1000 + updateAge * 1000;
  if (!(row.expiresAt > now) || (!cookie.dontRemember && !(refreshAt > now))) return undefined;
  return { userId: row.userId, email: row.email, name: row.name, bindings: row.bindings.map(toBinding) };
}

/**
 * The caller of a request whose session better-auth would accept as it is (no refresh due), in one read;
 * `undefined` when better-auth must decide (see above).
 */
export async function lookUpSession(
  cookieHeader: string | null,
  context: SessionContext,
  now = Date.now(),
): Promise<LookedUpSession | undefined> {
  const cookie = sessionCookieOf(cookieHeader, context);
  if (!cookie) return undefined;
  const [row] = await rawRead<{ session: string | null }>(await db(), LOOKUP, [cookie.token]);
  return sessionOfRow(row?.session ?? null, cookie, context, now);
}
