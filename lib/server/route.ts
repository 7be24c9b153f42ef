import "server-only";
import type { z } from "zod";
import type { ErrorCode } from "../errors";
import { runGuarded, type GuardSpec } from "./guard";

const STATUS: Record<ErrorCode, number> = {
  "invalid-input": 400,
  "invalid-config": 400,
  unauthenticated: 401,
  forbidden: 403,
  "read-only": 403,
  "not-found": 404,
  conflict: 409,
  "already-exists": 409,
  unreachable: 502,
  tls: 502,
  timeout: 504,
  "too-many-secrets": 422,
  internal: 500,
};

type RouteContext = { params: Promise<Record<string, string | string[]>> };

/** Wraps a route handler: input is the route params merged with the query string (and JSON body for writes). */
export function defineRoute<S extends z.ZodType, R>(spec: GuardSpec<S, R>) {
  return async (request: Request, context: RouteContext): Promise<Response> => {
    const params = await context.params;
    const query = Object.fromEntries(new URL(request.url).searchParams);
    let body: Record<string, unknown> = {};
    if (request.method !== "GET" && request.method !== "HEAD") {
      body = (await request.json().catch(() => ({}))) as Record<string, unknown>;
    }
    const result = await runGuarded(spec, { ...query, ...body, ...params });
    const headers = { "cache-control": "no-store" };
    if (result.ok) return Response.json(result.data, { headers });
    return Response.json({ error: result.error }, { status: STATUS[result.error.code], headers });
  };
}
