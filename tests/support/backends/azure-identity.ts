// Test kit: the Azure identity endpoints Keyhold's keyless methods talk to, served on loopback and recording each call.
// - startAppServiceIdentity: an App Service managed-identity endpoint (IDENTITY_ENDPOINT / IDENTITY_HEADER): a token for
//   whoever sends the header, system-assigned or by client id.
// - startEntraAuthority: an Entra ID v2.0 authority (its discovery document and token endpoint) that takes a client
//   assertion (workload identity's federated token), on the Key Vault fake's certificate (trusted via ca-certificate).
// Used by the integration tests (tests/backends/azure) and the e2e specs (e2e/keyless-*.spec.ts).
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";

export interface IdentityCall {
  path: string;
  query: URLSearchParams;
  header: string | undefined;
}

export interface AuthorityCall {
  tenant: string;
  form: URLSearchParams;
}

const listen = async (server: http.Server | https.Server, port: number) => {
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
};
const closer = (server: http.Server | https.Server) => () => new Promise<void>((r) => server.close(() => r()));

/** An App Service managed-identity endpoint on 127.0.0.1:`port` (0: any), at `/msi/token`, answering `header`'s holder. */
export async function startAppServiceIdentity(header: string, port = 0) {
  const calls: IdentityCall[] = [];
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    const given = req.headers["x-identity-header"] as string | undefined;
    calls.push({ path: u.pathname, query: u.searchParams, header: given });
    if (given !== header) return res.writeHead(401).end();
    const clientId = u.searchParams.get("client_id");
    // One token per connection, as the sidecar answers a client that asks rarely: on Node 24 MSAL's second request
    // reused a kept-alive socket of this server and failed with network_error (Node 20 did not).
    res.writeHead(200, { "content-type": "application/json", connection: "close" }).end(
      JSON.stringify({
        access_token: `mi-token-${clientId ?? "system"}`,
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        resource: u.searchParams.get("resource"),
        token_type: "Bearer",
        ...(clientId ? { client_id: clientId } : {}),
      }),
    );
  });
  const bound = await listen(server, port);
  return { calls, port: bound, url: `http://127.0.0.1:${bound}/msi/token`, close: closer(server) };
}

/**
 * An Entra ID v2.0 authority on https://127.0.0.1:`port` (0: any) with the certificate in `certDir` (cert.pem, key.pem):
 * a token (`wi-<client id>`) for a request carrying a JWT-bearer client assertion, AADSTS7000218 without one.
 */
export async function startEntraAuthority(certDir: string, port = 0) {
  const calls: AuthorityCall[] = [];
  let bound = port;
  const server = https.createServer(
    { cert: readFileSync(path.join(certDir, "cert.pem")), key: readFileSync(path.join(certDir, "key.pem")) },
    (req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const m = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token)$/.exec(
          new URL(req.url ?? "/", "https://x").pathname,
        );
        const json = (status: number, v: unknown) =>
          res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(v));
        if (!m) return json(404, { error: "not_found" });
        const base = `https://127.0.0.1:${bound}/${m[1]}`;
        if (m[2].endsWith("openid-configuration"))
          return json(200, {
            token_endpoint: `${base}/oauth2/v2.0/token`,
            issuer: `${base}/v2.0`,
            authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
            jwks_uri: `${base}/discovery/v2.0/keys`,
            end_session_endpoint: `${base}/oauth2/v2.0/logout`,
            response_types_supported: ["code"],
            token_endpoint_auth_methods_supported: ["private_key_jwt"],
          });
        const form = new URLSearchParams(body);
        calls.push({ tenant: m[1], form });
        if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
          return json(400, { error: "invalid_client", error_description: "AADSTS7000218: no client_assertion" });
        return json(200, { token_type: "Bearer", expires_in: 3599, access_token: `wi-${form.get("client_id")}` });
      });
    },
  );
  bound = await listen(server, port);
  return { calls, port: bound, url: `https://127.0.0.1:${bound}`, close: closer(server) };
}
