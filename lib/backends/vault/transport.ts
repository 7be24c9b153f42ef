import "server-only";
import http from "node:http";
import https from "node:https";
import type { EgressAgents } from "../../net/egress-agent";

/** What node-vault hands its `request-promise` and expects back (see node_modules/node-vault/src/index.js). */
interface VaultRequest {
  method: string;
  uri: string;
  headers?: Record<string, string>;
  json?: unknown;
  timeout?: number;
}

interface VaultResponse {
  statusCode: number;
  body: unknown;
  request: { path: string };
}

// A LIST of many keys is large; anything past this is not a Vault answer.
const MAX_BODY = 16 * 1024 * 1024;

/**
 * node-vault's transport for dedicated managers: every connection goes through the egress agents, straight
 * to the checked address (no proxy from the environment), and redirects are not followed, so the token
 * goes to the saved address only (a standby node's 307 names another one).
 */
export function egressTransport(agents: EgressAgents): {
  defaults: () => (options: VaultRequest) => Promise<VaultResponse>;
} {
  const send = (options: VaultRequest): Promise<VaultResponse> =>
    new Promise((resolve, reject) => {
      let url: URL;
      try {
        url = new URL(options.uri);
      } catch {
        return reject(Object.assign(new TypeError("Invalid URL"), { code: "ERR_INVALID_URL" }));
      }
      const secure = url.protocol === "https:";
      const body = options.json && typeof options.json === "object" ? JSON.stringify(options.json) : undefined;
      const headers: Record<string, string> = { accept: "application/json", ...(options.headers ?? {}) };
      if (body !== undefined) {
        headers["content-type"] ??= "application/json";
        headers["content-length"] = String(Buffer.byteLength(body));
      }
      const request = (secure ? https : http).request(
        url,
        { method: options.method, headers, agent: secure ? agents.https : agents.http },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY) return response.destroy(new Error(`Vault's answer is larger than ${MAX_BODY} bytes`));
            chunks.push(chunk);
          });
          response.on("error", reject);
          response.on("end", () => {
            const status = response.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // Not JSON (a proxy's or another server's page): kept as text, which no message repeats.
            }
            if (status >= 300 && status < 400) {
              parsed = {
                errors: [
                  `Vault answered with a redirect (HTTP ${status}), which Keyhold does not follow for dedicated managers: give the address of the active node`,
                ],
              };
            }
            // node-vault keeps only the status and body of an error: a rate limit's Retry-After would be lost.
            if (status === 429)
              return reject(
                Object.assign(new Error("Status 429"), {
                  response: { statusCode: status, body: parsed, headers: response.headers },
                }),
              );
            resolve({ statusCode: status, body: parsed, request: { path: url.pathname } });
          });
        },
      );
      if (options.timeout) {
        request.setTimeout(options.timeout, () =>
          request.destroy(
            Object.assign(new Error(`timeout of ${options.timeout}ms exceeded`), { code: "ECONNABORTED" }),
          ),
        );
      }
      request.on("error", reject);
      request.end(body);
    });
  return { defaults: () => send };
}
