import "server-only";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
const METHODS: Method[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/**
 * Handlers for the methods a route does not serve: 405 with the Allow header RFC 9110 asks for (Next.js answers an
 * unexported method with a bare 405). Spread into the route file: `export const { POST, PUT, PATCH, DELETE } = otherMethods("GET")`.
 */
export function otherMethods(...served: Method[]): Record<Method, () => Response> {
  const allow = [...served, ...(served.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  const refuse = () => new Response(null, { status: 405, headers: { allow, "cache-control": "no-store" } });
  return Object.fromEntries(METHODS.filter((m) => !served.includes(m)).map((m) => [m, refuse])) as Record<
    Method,
    () => Response
  >;
}
