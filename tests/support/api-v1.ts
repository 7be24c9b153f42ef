// Test kit: calls the REST API v1 route handlers (app/api/v1) in-process as Next.js would: the route file that serves the
// path, its parameters decoded once, a Request with the method, headers and JSON body a client sends.
import { readdirSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Every app/api/v1 route file with the pattern of the paths it serves. */
const FILES = readdirSync(path.join(ROOT, "app/api/v1"), { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name === "route.ts")
  .map((e) => {
    const file = path.join(e.parentPath, e.name);
    const segments = path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep);
    const names = segments.flatMap((s) => (/^\[(.+)\]$/.exec(s) ? [s.slice(1, -1)] : []));
    const pattern = new RegExp(
      `^/${segments.map((s) => (/^\[.+\]$/.test(s) ? "([^/]+)" : s.replace(/[.]/g, "\\."))).join("/")}$`,
    );
    return { file, names, pattern };
  });

export interface ApiCall {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Calls `METHOD /api/v1/…?query` and returns the Response. */
export async function api(method: string, pathAndQuery: string, call: ApiCall = {}): Promise<Response> {
  const url = new URL(`http://localhost${pathAndQuery}`);
  const hit = FILES.map((f) => ({ f, m: f.pattern.exec(url.pathname) })).find((h) => h.m);
  if (!hit) throw new Error(`no route file serves ${url.pathname}`);
  const params = Object.fromEntries(hit.f.names.map((n, i) => [n, decodeURIComponent(hit.m![i + 1])]));
  const mod = (await import(/* @vite-ignore */ hit.f.file)) as Record<string, Handler>;
  const headers: Record<string, string> = { ...call.headers };
  if (call.token) headers.authorization = `Bearer ${call.token}`;
  let body: string | undefined;
  if (call.body !== undefined) {
    body = typeof call.body === "string" ? call.body : JSON.stringify(call.body);
    headers["content-type"] ??= "application/json";
  }
  return mod[method.toUpperCase()](new Request(url, { method, headers, body }), { params: Promise.resolve(params) });
}

/** The call's status and JSON (or problem+json) body. */
export async function apiJson(method: string, pathAndQuery: string, call: ApiCall = {}) {
  const response = await api(method, pathAndQuery, call);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}
