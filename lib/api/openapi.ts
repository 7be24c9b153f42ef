import "server-only";
import { z } from "zod";
import { ERROR_CODES } from "../errors";
import { calendarDate } from "../input/calendar-date";
import { namespacePathSchema } from "../tenancy/names";
import { ERROR_STATUS } from "../server/route";
import { API_ROUTES, type ApiRoute } from "./routes";
import { v1Paths } from "./v1/openapi";

type JsonSchema = Record<string, unknown>;

const errorSchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    fieldErrors: z.record(z.string(), z.string()).optional(),
  }),
});

// What a refinement checks, said in JSON Schema (a zod refine has no JSON form), so generated requests get past it too.
const SEGMENT = "[a-z0-9][a-z0-9_-]{0,62}";
const REFINED = new Map<unknown, JsonSchema>([
  [
    calendarDate,
    {
      format: "date",
      pattern: "^(19[7-9]\\d|[2-8]\\d{3}|9[0-8]\\d{2}|99[0-8]\\d|999[0-8])-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$",
    },
  ],
  [namespacePathSchema, { pattern: `^${SEGMENT}(\\.${SEGMENT}){0,9}$` }],
]);

export const json = (schema: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
    target: "draft-2020-12",
    override: ({ zodSchema, jsonSchema }) => void Object.assign(jsonSchema, REFINED.get(zodSchema)),
  }) as JsonSchema;

function parameters(route: ApiRoute) {
  const schema = json(route.spec.input, "input");
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const inPath = new Set([...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]));
  const params = [...inPath].map((name) => ({
    name,
    in: "path",
    required: true,
    schema: properties[name] ?? { type: "string" },
  }));
  for (const [name, s] of Object.entries(properties)) {
    if (!inPath.has(name)) params.push({ name, in: "query", required: required.has(name), schema: s });
  }
  return params;
}

function responses(route: ApiRoute) {
  const ok =
    "csv" in route.response
      ? { description: "CSV download", content: { "text/csv": { schema: { type: "string" } } } }
      : { description: "OK", content: { "application/json": { schema: json(route.response.json, "output") } } };
  const statuses = [...new Set(Object.values(ERROR_STATUS))].sort();
  const errors = Object.fromEntries(
    statuses.map((status) => [
      String(status),
      {
        description: ERROR_CODES.filter((c) => ERROR_STATUS[c] === status).join(", "),
        content: { "application/json": { schema: json(errorSchema, "output") } },
      },
    ]),
  );
  return { "200": ok, ...errors };
}

/**
 * Which input fields name the guard's target: the spec's own selectors, run on a probe that records what they read,
 * so the description cannot drift from what the guard checks.
 */
export function targetFields(spec: ApiRoute["spec"]): { tenant: string | null; namespace: string | null } {
  const fieldRead = (select?: (input: never) => unknown) => {
    if (!select) return null;
    const read: string[] = [];
    select(new Proxy({}, { get: (_t, key) => (typeof key === "string" && read.push(key), "probe") }) as never);
    return read[0] ?? null;
  };
  return { tenant: fieldRead(spec.tenant), namespace: fieldRead(spec.namespace) };
}

/** The OpenAPI 3.1 description of Keyhold's route handlers, generated from the zod schemas they validate with. */
export function openApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) {
    paths[route.path] ??= {};
    paths[route.path][route.method] = {
      tags: ["Console route handlers"],
      summary: route.summary,
      operationId: `${route.method}${route.path.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
      parameters: parameters(route),
      responses: responses(route),
      ...(route.spec.permission === "public" ? { security: [] } : {}),
      // What the guard checks (lib/auth/permissions.ts) and on which input fields; scripts/test/api-fuzz reads these as its oracle.
      "x-keyhold-permission": route.spec.permission,
      "x-keyhold-target": targetFields(route.spec),
    };
  }
  Object.assign(paths, v1Paths());
  return {
    openapi: "3.1.0",
    info: {
      title: "Keyhold",
      version: "1.0.0",
      description:
        "Keyhold's REST API v1 (under /api/v1: an API token as `Authorization: Bearer`, or the console's session; errors as application/problem+json) and the console's own route handlers. docs/api.md has examples.",
    },
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "An API token (kh_…), created in the console under API tokens.",
        },
        session: { type: "apiKey", in: "cookie", name: "better-auth.session_token" },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  };
}
