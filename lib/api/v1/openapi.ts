import "server-only";
import { z } from "zod";
import { ERROR_CODES } from "../../errors";
import { ERROR_STATUS } from "../../server/route";
import { json, targetFields } from "../openapi";
import { switchPreviewSchema } from "./manager-switch";
import type { V1Route } from "./route-types";
import { V1_ROUTES } from "./routes";

type JsonSchema = Record<string, unknown>;

const problemSchema = z.strictObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.enum(ERROR_CODES),
  fieldErrors: z.record(z.string(), z.string()).optional(),
  /** switch-confirmation-required: what the save would do to the namespaces' flows, and the confirmation to send back. */
  preview: switchPreviewSchema.optional(),
});

function operationId(route: V1Route) {
  const words = route.path
    .replace(/^\/api\/v1\//, "")
    .replace(/[{}]/g, "")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return [route.method, ...words].map((w, i) => (i ? w[0].toUpperCase() + w.slice(1) : w)).join("");
}

function errorResponses(route: V1Route) {
  const statuses = [...new Set([...Object.values(ERROR_STATUS), ...(route.statusOf ? [412] : [])])].sort();
  return Object.fromEntries(
    statuses.map((status) => [
      String(status),
      {
        description:
          status === 412
            ? "conflict: the stored version is not the one named in If-Match"
            : ERROR_CODES.filter((c) => ERROR_STATUS[c] === status).join(", "),
        content: { "application/problem+json": { schema: json(problemSchema, "output") } },
        ...(status === 429 ? { headers: { "Retry-After": { schema: { type: "string" } } } } : {}),
      },
    ]),
  );
}

function operation(route: V1Route) {
  const schema = json(route.spec.input, "input");
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const inPath = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const fromHeader = new Set((route.headerParams ?? []).map((h) => h.field));
  const parameters: Record<string, unknown>[] = inPath.map((name) => ({
    name,
    in: "path",
    required: true,
    schema: properties[name] ?? { type: "string" },
  }));
  for (const h of route.headerParams ?? [])
    parameters.push({
      name: h.name,
      in: "header",
      required: h.required ?? false,
      description: h.description,
      schema: { type: "string" },
    });
  const rest = Object.entries(properties).filter(([name]) => !inPath.includes(name) && !fromHeader.has(name));
  let requestBody: unknown;
  if (route.method === "get") {
    for (const [name, s] of rest) parameters.push({ name, in: "query", required: required.has(name), schema: s });
  } else if (rest.length) {
    const bodyRequired = rest.map(([n]) => n).filter((n) => required.has(n));
    requestBody = {
      required: bodyRequired.length > 0,
      content: {
        "application/json": {
          schema: {
            type: "object",
            properties: Object.fromEntries(rest),
            ...(bodyRequired.length ? { required: bodyRequired } : {}),
            additionalProperties: false,
          },
        },
      },
    };
  }
  const ok = route.respond
    ? { description: "CSV download", content: { "text/csv": { schema: { type: "string" } } } }
    : {
        description: "OK",
        content: { "application/json": { schema: json(route.output!, "output") } },
        ...(route.headersOf ? { headers: { ETag: { schema: { type: "string" } } } } : {}),
      };
  return {
    tags: [route.tag],
    summary: route.summary,
    operationId: operationId(route),
    parameters,
    ...(requestBody ? { requestBody } : {}),
    responses: { [String(route.status ?? 200)]: ok, ...errorResponses(route) },
    "x-keyhold-permission": route.spec.permission,
    "x-keyhold-target": route.target ?? targetFields(route.spec),
  };
}

/** The REST API v1 paths of the OpenAPI document, from the same registry and zod schemas the handlers run. */
export function v1Paths(): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of V1_ROUTES) (paths[route.path] ??= {})[route.method] = operation(route);
  return paths;
}
