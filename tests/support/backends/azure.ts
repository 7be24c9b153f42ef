// Test-only: direct access to the Key Vault fake through the SDK (its seeder), and the settings the tests use.
import { readFileSync } from "node:fs";
import https from "node:https";
import net from "node:net";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { emulatorEnv } from "../emulators";
import type { BackendSeeder } from "./seeder";

export const TYPE = "azure-key-vault" as const;

export const env = () => ({
  vaultUrl: emulatorEnv("KEYHOLD_AZURE_VAULT_URL"),
  caPem: readFileSync(emulatorEnv("KEYHOLD_AZURE_CA_CERT"), "utf8"),
  tenantId: emulatorEnv("KEYHOLD_AZURE_TENANT_ID"),
  tokenEndpoint: emulatorEnv("KEYHOLD_AZURE_TOKEN_ENDPOINT"),
});

/** The app Keyhold signs in as; unregistered in the fake, so any secret works and every permission is granted. */
export const APP = { clientId: "keyhold-test-app", clientSecret: "CANARY-app-secret" };

/** Settings for the fake: its own HTTPS endpoint is both the vault and the Entra ID authority. */
export function baseSection(): Record<string, unknown> {
  const { vaultUrl, caPem, tenantId } = env();
  return {
    "key-vault-uri": vaultUrl,
    "authority-host": vaultUrl,
    "ca-certificate": caPem,
    "disable-challenge-resource-verification": true,
    clientSecret: { tenantId, ...APP },
  };
}

// The fake accepts any bearer token that its own authority did not issue (full access), as docs/emulators.md shows.
const staticToken: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({ token: "keyhold-test", expiresOnTimestamp: Date.now() + 3_600_000 }),
};

let direct: SecretClient | undefined;
export const sdk = () =>
  (direct ??= new SecretClient(env().vaultUrl, staticToken, {
    disableChallengeResourceVerification: true,
    tlsOptions: { ca: env().caPem },
  }));

/** Calls one of the fake's test-control endpoints (`/_keyhold/...`). */
export function control(method: string, path: string, body?: unknown): Promise<number> {
  const url = new URL(path, env().vaultUrl);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca: env().caPem,
        headers: { Authorization: "Bearer keyhold-test", "Content-Type": "application/json" },
      },
      (res) => {
        res.resume();
        res.on("end", () =>
          (res.statusCode ?? 500) < 300
            ? resolve(res.statusCode!)
            : reject(new Error(`${method} ${path}: HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** An access token from the fake's Entra ID endpoint for another resource than Key Vault. */
export function tokenFor(scope: string): Promise<string> {
  const { vaultUrl, tenantId, caPem } = env();
  const body = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: APP.clientId,
    client_secret: APP.clientSecret,
    scope,
  }).toString();
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(`/${tenantId}/oauth2/v2.0/token`, vaultUrl),
      { method: "POST", ca: caPem, headers: { "Content-Type": "application/x-www-form-urlencoded" } },
      (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () =>
          res.statusCode === 200
            ? resolve(JSON.parse(text).access_token)
            : reject(new Error(`token: HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Registers an app in the fake's directory: its secret must then match, and the vault enforces its access-policy permissions. */
export const registerApp = (clientId: string, secret: string, permissions?: string[]) =>
  control("PUT", `/_keyhold/clients/${clientId}`, { secret, permissions });

export async function liveNames(): Promise<string[]> {
  const out: string[] = [];
  for await (const p of sdk().listPropertiesOfSecrets()) out.push(p.name);
  return out.sort();
}

// Key Vault names allow only letters, digits and '-': other characters (the contract's '_', e2e's path-like '/') are seeded as '-'.
export const vaultName = (name: string) => name.replace(/[^A-Za-z0-9-]/g, "-");

/** The fake, seeded and inspected through the SDK as an Azure user would; the description is the content type. */
export const azureSeeder = (): BackendSeeder => ({
  async seed(name, value, tags = {}, description) {
    await sdk().setSecret(vaultName(name), value, { tags, contentType: description });
  },
  async inspect(name) {
    try {
      const s = await sdk().getSecret(vaultName(name));
      return { value: s.value ?? "", tags: s.properties.tags ?? {}, description: s.properties.contentType || null };
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return null;
      throw error;
    }
  },
  names: liveNames,
  async clear() {
    await control("POST", "/_keyhold/reset");
  },
});

export async function deletedNames(): Promise<string[]> {
  const out: string[] = [];
  for await (const d of sdk().listDeletedSecrets()) out.push(d.name);
  return out.sort();
}

/** A TCP server that accepts connections and never answers, and a port nothing listens on. */
const servers: net.Server[] = [];
export async function silentPort(): Promise<number> {
  const server = net.createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return (server.address() as net.AddressInfo).port;
}
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
export function closeServers(): void {
  for (const s of servers.splice(0)) s.close();
}
