import "server-only";
import { readFile } from "node:fs/promises";
import path from "node:path";

/** The two files of swagger-ui-dist the reference page needs, served from our own origin (no CDN; CSP 'self'). */
const ASSETS: Record<string, string> = {
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui.css": "text/css; charset=utf-8",
};

const cache = new Map<string, Buffer>();

export async function referenceAsset(file: string): Promise<Response> {
  if (!Object.hasOwn(ASSETS, file)) return new Response("Not found", { status: 404 });
  let body = cache.get(file);
  if (!body) {
    body = await readFile(path.join(process.cwd(), "node_modules", "swagger-ui-dist", file));
    cache.set(file, body);
  }
  return new Response(new Uint8Array(body), { headers: { "content-type": ASSETS[file] } });
}
