import "server-only";
import type { z } from "zod";
import type { ErrorCode, ErrorShape } from "../errors";
import { runGuarded, type AnySpec, type GuardOptions } from "./guard";
import { isCrossSite } from "./cross-site";

export const ERROR_STATUS: Record<ErrorCode, number> = {
  "invalid-input": 400,
  "invalid-config": 400,
  unauthenticated: 401,
  forbidden: 403,
  "read-only": 403,
  "rate-limited": 429,
  "not-found": 404,
  conflict: 409,
  "already-exists": 409,
  unreachable: 502,
  tls: 502,
  timeout: 504,
  "too-many-secrets": 422,
  throttled: 503,
  "invalid-response": 502,
  "switch-confirmation-required": 409,
  internal: 500,
};

type RouteContext = { params: Promise<Record<string, string | string[]>> };

const NO_STORE = { "cache-control": "no-store" };

function errorResponse(error: ErrorShape): Response {
  return Response.json({ error }, { status: ERROR_STATUS[error.code], headers: NO_STORE });
}

async function inputOf(request: Request, context: RouteContext) {
  // Next.js has decoded each parameter once (and answered 400 to one it cannot decode): never decode again.
  const params = await context.params;
  const query = Object.fromEntries(new URL(request.url).searchParams);
  let body: Record<string, unknown> = {};
  if (request.method !== "GET" && request.method !== "HEAD") {
    body = (await request.json().catch(() => ({}))) as Record<string, unknown>;
  }
  return { ...query, ...body, ...params };
}

/** Wraps a route handler: input is the route params merged with the query string (and JSON body for writes). */
export function defineRoute<S extends z.ZodType, R>(
  spec: AnySpec<S, R>,
  respond?: (data: R) => Response,
  /** The guard's options (an early read of the caller, the tenant and what the handler reads first). */
  options?: GuardOptions,
) {
  return async (request: Request, context: RouteContext): Promise<Response> => {
    if (request.method !== "GET" && request.method !== "HEAD" && isCrossSite(request.headers)) {
      return errorResponse({ code: "forbidden", message: "Cross-site request refused." });
    }
    const result = await runGuarded(spec, await inputOf(request, context), undefined, options);
    if (!result.ok) return errorResponse(result.error);
    return respond ? respond(result.data) : Response.json(result.data, { headers: NO_STORE });
  };
}
