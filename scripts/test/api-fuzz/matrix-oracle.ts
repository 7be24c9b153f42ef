// Judges what schemathesis recorded against the permission matrix: a request that succeeded (2xx) must be one the
// matrix allows the caller. The OpenAPI description names each operation's permission and target fields
// (`x-keyhold-permission`, `x-keyhold-target`, from the guard spec itself).
import { isAllowed, type Binding, type Permission } from "../../../lib/auth/permissions";
import { parseSecretExpression } from "../../../lib/secrets/expression";

export interface Operation {
  method: string;
  path: string;
  pattern: RegExp;
  params: string[];
  permission: Permission | "public";
  /** `expression`: the field whose {{ secret(…, namespace='…') }} names the namespace checked (else `namespace`'s). */
  target: { tenant: string | null; namespace: string | null; expression?: string };
}

export interface Exchange {
  method: string;
  url: string;
  status: number;
  /** The request body as sent (a JSON object for REST API v1 writes). */
  body?: string;
}

type Doc = {
  paths: Record<string, Record<string, { "x-keyhold-permission"?: string; "x-keyhold-target"?: Operation["target"] }>>;
};

export function operationsOf(doc: Doc): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      if (!op["x-keyhold-permission"] || !op["x-keyhold-target"])
        throw new Error(`${method.toUpperCase()} ${path} does not say which permission it needs`);
      const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const pattern = new RegExp(
        `^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\\\{[^}]+\\\}/g, "([^/]+)")}$`,
      );
      return {
        method: method.toUpperCase(),
        path,
        pattern,
        params,
        permission: op["x-keyhold-permission"] as Operation["permission"],
        target: op["x-keyhold-target"],
      };
    }),
  );
}

/** A JSON object body, or nothing. */
function bodyFields(body: string | undefined): Record<string, unknown> {
  try {
    const parsed: unknown = body ? JSON.parse(body) : {};
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The guard's input for a request as the handlers build it: the query string (reads) or the JSON body (REST API v1
 * writes; the console's route handlers merge it after the query), then the path parameters (decoded once, as Next.js does).
 */
function inputOf(op: Operation, url: URL, body?: string): Record<string, unknown> | null {
  const m = op.pattern.exec(url.pathname);
  if (!m) return null;
  const v1Write = op.path.startsWith("/api/v1/") && op.method !== "GET";
  const input: Record<string, unknown> = v1Write
    ? bodyFields(body)
    : { ...Object.fromEntries(url.searchParams), ...(op.method === "GET" ? {} : bodyFields(body)) };
  try {
    op.params.forEach((name, i) => (input[name] = decodeURIComponent(m[i + 1])));
  } catch {
    return null;
  }
  return input;
}

/** Every 2xx answer the matrix refuses to `bindings` (tenant ids in bindings are slugs here), with the reason. */
export function refusedSuccesses(ops: Operation[], bindings: Binding[], exchanges: Exchange[]): string[] {
  const problems: string[] = [];
  for (const ex of exchanges) {
    if (ex.status < 200 || ex.status > 299) continue;
    const method = ex.method.toUpperCase();
    // Next.js answers OPTIONS itself with the route's methods and no body; HEAD runs the GET handler.
    if (method === "OPTIONS") continue;
    const url = new URL(ex.url);
    const hit = ops
      .map((op) => ({
        op,
        input: op.method === (method === "HEAD" ? "GET" : method) ? inputOf(op, url, ex.body) : null,
      }))
      .find((h) => h.input);
    if (!hit) {
      problems.push(`${ex.method} ${ex.url} answered ${ex.status} but is not in the description`);
      continue;
    }
    const { op, input } = hit;
    if (op.permission === "public") continue;
    // The schemas trim both fields before the guard looks the target up.
    const field = (name: string | null | undefined) =>
      name && typeof input![name] === "string" ? (input![name] as string).trim() : null;
    let namespace = field(op.target.namespace);
    // As the guard does: an expression that parses and names a namespace is checked on that one.
    const expression = field(op.target.expression);
    if (expression !== null) {
      const parsed = parseSecretExpression(input![op.target.expression!] as string);
      if (parsed.ok && parsed.expression.namespace !== undefined) namespace = parsed.expression.namespace;
    }
    const target = { tenantId: field(op.target.tenant), namespace };
    if (!isAllowed(bindings, op.permission, target)) {
      problems.push(
        `${ex.method} ${ex.url} answered ${ex.status}, but ${op.permission} on ${JSON.stringify(target)} is refused by the matrix`,
      );
    }
  }
  return problems;
}
