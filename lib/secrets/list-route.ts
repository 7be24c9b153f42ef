import "server-only";
import { headers } from "next/headers";
import type { PrismaClient } from "../db/generated/client";
import { rawRead } from "../db/raw-read";
import { getAuth } from "../auth/auth";
import { SESSION_JSON, sessionCookieOf, sessionOfRow } from "../auth/session-lookup";
import { currentSession, sessionOrBetterAuth } from "../auth/session";
import type { EarlyRead } from "../server/guard";
import type { TenantRef } from "../tenancy/tenant-ref";
import { CHECK_COLUMNS, lineageKeysHint, type CheckRead } from "./list-cache";

// The list route's one read per request (issue 10, load): the session cookie's session with its user and role
// bindings (session-lookup.ts), the tenant named in the URL, and the kept answer's check (list-cache.ts), in one
// statement. The guard checks the session and the tenant it found as it checks its own reads (lib/server/guard.ts,
// `early`); the check is used only after the guard passed. A session this read cannot decide (a refresh due, no or a
// bad cookie) goes to better-auth as before; the tenant and the check stay usable.

const TENANT = `(SELECT "id" FROM "Tenant" WHERE "slug" = $2)`;
const READ = `SELECT ${SESSION_JSON("$1")} AS "session",
  (SELECT json_build_array("id", "slug") FROM "Tenant" WHERE "slug" = $2)::text AS "tenant",
  ${CHECK_COLUMNS(TENANT, "$3")}`;

interface Row {
  session: string | null;
  tenant: string | null;
  configs: string;
  sources: string;
}

/** The guard's early read for the list route (`defineRoute`'s options); `ctx.early` is the check (a CheckRead). */
export async function listRouteEarlyRead(
  prisma: PrismaClient,
  slug: string | null,
  input: { namespace: string },
): Promise<EarlyRead> {
  const auth = await getAuth();
  const context = await auth.$context;
  const requestHeaders = await headers();
  const cookie = sessionCookieOf(requestHeaders.get("cookie"), context);
  const keys = slug === null ? [] : lineageKeysHint(prisma, slug, input.namespace);
  const [row] = await rawRead<Row>(prisma, READ, [cookie?.token ?? null, slug, JSON.stringify(keys)]);
  const quick = cookie ? sessionOfRow(row.session, cookie, context) : undefined;
  // Undecided here: the request's session as every other call resolves it (better-auth behind the one-read path).
  const session = quick ? await sessionOrBetterAuth(quick, requestHeaders) : await currentSession();
  const pair = row.tenant ? (JSON.parse(row.tenant) as [string, string]) : null;
  const tenant: TenantRef | null = pair ? { id: pair[0], slug: pair[1] } : null;
  const early: CheckRead = { keys, configs: row.configs, sources: row.sources };
  return { session, tenant, early };
}
