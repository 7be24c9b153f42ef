import "server-only";
import { v1Handler } from "./handler";
import { V1_ROUTES } from "./routes";

type Handler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/**
 * The handlers of one app/api/v1 route file, from the registry: its operations, and 405 with `Allow` for the rest.
 * `export const { GET, POST, PUT, PATCH, DELETE } = serveV1("/api/v1/tenants")`.
 */
export function serveV1(path: string): Record<(typeof METHODS)[number], Handler> {
  const routes = V1_ROUTES.filter((r) => r.path === path);
  if (!routes.length) throw new Error(`no REST API operation at ${path}`);
  const served = routes.map((r) => r.method.toUpperCase());
  const allow = [...served, ...(served.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  const refuse: Handler = async () =>
    new Response(null, { status: 405, headers: { allow, "cache-control": "no-store" } });
  return Object.fromEntries(
    METHODS.map((m) => {
      const route = routes.find((r) => r.method.toUpperCase() === m);
      return [m, route ? v1Handler(route) : refuse];
    }),
  ) as Record<(typeof METHODS)[number], Handler>;
}
