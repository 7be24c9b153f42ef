import "server-only";
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { db } from "../../db/client";
import { serverEnv } from "../../env";
import { recordAudit } from "../../audit/record";
import { sessionForBearer, type TokenSession } from "../../auth/api-tokens";
import { TokenBuckets } from "../../auth/api-token-limit";
import { currentSession, type Session } from "../../auth/session";
import { runGuarded } from "../../server/guard";
import { isCrossSite } from "../../server/cross-site";
import type { ErrorShape } from "../../errors";
import { logger } from "../../log";
import { problem } from "./problem";
import type { V1Route } from "./route-types";

type RouteContext = { params: Promise<Record<string, string | string[]>> };

const buckets = new TokenBuckets(() => serverEnv().KEYHOLD_API_RATE_LIMIT);

const UNAUTHENTICATED = { "www-authenticate": 'Bearer realm="keyhold"' };

type Caller = { kind: "token"; session: TokenSession } | { kind: "cookie" } | { kind: "refused"; response: Response };

/** `Authorization: Bearer` → the token's principal (rate limited per token); no header → the console's session cookie. */
async function callerOf(request: Request, write: boolean): Promise<Caller> {
  const authorization = request.headers.get("authorization");
  if (authorization === null) {
    // The cookie is sent by browsers on their own: a cross-site write must not ride on it.
    if (write && isCrossSite(request.headers))
      return { kind: "refused", response: problem({ code: "forbidden", message: "Cross-site request refused." }) };
    return { kind: "cookie" };
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  const session = match ? await sessionForBearer(await db(), match[1]) : null;
  if (!session)
    return {
      kind: "refused",
      response: problem(
        { code: "unauthenticated", message: "The API token is not valid: unknown, expired or revoked." },
        401,
        UNAUTHENTICATED,
      ),
    };
  const taken = buckets.take(session.token.id);
  if (!taken.allowed) {
    const seconds = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
    // Audited once per token and window (the first refusal), so a flood of refused requests cannot fill the log.
    if (taken.report) await auditRateLimited(session, request);
    return {
      kind: "refused",
      response: problem(
        {
          code: "rate-limited",
          message: `Too many requests with this token: at most ${serverEnv().KEYHOLD_API_RATE_LIMIT} a minute. Try again in ${seconds} s.`,
        },
        429,
        { "retry-after": String(seconds) },
      ),
    };
  }
  return { kind: "token", session };
}

const invalid = (message: string): ErrorShape => ({ code: "invalid-input", message });

/** The JSON body of a write: an object, or nothing at all. */
async function bodyOf(
  request: Request,
): Promise<{ ok: true; body: Record<string, unknown> } | { ok: false; error: ErrorShape }> {
  const text = await request.text();
  if (text.trim() === "") return { ok: true, body: {} };
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type.trim()))
    return { ok: false, error: invalid("Send the request body as application/json.") };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, error: invalid("The request body is not valid JSON.") };
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    return { ok: false, error: invalid("The request body must be a JSON object.") };
  return { ok: true, body: parsed as Record<string, unknown> };
}

async function auditUse(session: TokenSession, request: Request, status: number) {
  await recordAudit(await db(), {
    tenantId: session.token.tenantId,
    actor: session.actor,
    action: "api-token.used",
    outcome: status < 400 ? "success" : "failure",
    details: {
      token: session.token.name,
      method: request.method,
      path: new URL(request.url).pathname.slice(0, 200),
      status,
    },
  }).catch((error) => logger.error({ error: (error as Error)?.name }, "could not audit an API token's use"));
}

async function auditRateLimited(session: TokenSession, request: Request) {
  await recordAudit(await db(), {
    tenantId: session.token.tenantId,
    actor: session.actor,
    action: "api-token.rate-limited",
    outcome: "rate-limited",
    details: {
      token: session.token.name,
      limit: serverEnv().KEYHOLD_API_RATE_LIMIT,
      method: request.method,
      path: new URL(request.url).pathname.slice(0, 200),
    },
  }).catch((error) => logger.error({ error: (error as Error)?.name }, "could not audit an API token's refusal"));
}

/** One REST API operation: caller → body → the same guard as the console (its schema, permission and audit) → JSON. */
export function v1Handler(route: V1Route) {
  const write = route.method !== "get";
  return async (request: Request, context: RouteContext): Promise<Response> => {
    const caller = await callerOf(request, write);
    if (caller.kind === "refused") return caller.response;
    const response = await answer(route, request, context, caller.kind === "token" ? caller.session : null);
    if (caller.kind === "token") await auditUse(caller.session, request, response.status);
    return response;
  };
}

async function answer(
  route: V1Route,
  request: Request,
  context: RouteContext,
  token: Session | null,
): Promise<Response> {
  // Next.js has decoded each parameter once (and answered 400 to one it cannot decode): never decode again.
  const params = await context.params;
  let input: Record<string, unknown> = Object.fromEntries(new URL(request.url).searchParams);
  if (route.method !== "get") {
    const body = await bodyOf(request);
    if (!body.ok) return problem(body.error);
    input = body.body;
  }
  if (route.fromHeaders) {
    const extra = route.fromHeaders(request.headers);
    if (!extra.ok) return problem(invalid(extra.message));
    input = { ...input, ...extra.values };
  }
  const result = await runGuarded(
    route.spec as never,
    { ...input, ...params },
    token ? async () => token : currentSession,
  );
  if (!result.ok) {
    const status = route.statusOf?.(result.error);
    return problem(result.error, status);
  }
  if (route.respond) return route.respond(result.data as never);
  // What leaves is built from the output schema; an answer that does not fit it is a bug, reported as such.
  const output = (route.output as z.ZodType).safeParse(result.data);
  if (!output.success) {
    const reference = randomUUID().slice(0, 8);
    logger.error({ call: route.spec.name, reference }, "unexpected error: an answer does not fit its output schema");
    return problem({ code: "internal", message: `Something went wrong (reference ${reference}).` });
  }
  return new Response(JSON.stringify(output.data), {
    status: route.status ?? 200,
    headers: {
      "content-type": "application/json",
      "cache-control": "no-store",
      ...route.headersOf?.(result.data as never),
    },
  });
}
