import { readFileSync } from "node:fs";
import https from "node:https";
import { SecretClient } from "@azure/keyvault-secrets";
import type { AccessToken, TokenCredential } from "@azure/identity";
import type { BackendSeeder } from "./seeder";

/** The Key Vault server on loopback (self-signed TLS, its own Entra ID endpoints), seeded through the SDK. */
export function azureSeeder(): BackendSeeder {
  const vaultUrl = process.env.KEYHOLD_AZURE_VAULT_URL!;
  const ca = readFileSync(process.env.KEYHOLD_AZURE_CA_CERT!, "utf8");
  // The server grants any bearer token its own authority did not issue (docs/emulators.md).
  const token: TokenCredential = { getToken: async (): Promise<AccessToken> => ({ token: "e2e-seeder", expiresOnTimestamp: Date.now() + 3_600_000 }) };
  const client = new SecretClient(vaultUrl, token, { disableChallengeResourceVerification: true, tlsOptions: { ca } });
  const all = async () => {
    const out: { name: string; tags: Record<string, string>; contentType: string | null }[] = [];
    for await (const p of client.listPropertiesOfSecrets()) out.push({ name: p.name, tags: p.tags ?? {}, contentType: p.contentType ?? null });
    return out;
  };
  return {
    label: "Azure Key Vault",
    radio: "Azure Key Vault",
    async reset() {
      await new Promise<void>((resolve, reject) => {
        const req = https.request(new URL("/_keyhold/reset", vaultUrl), { method: "POST", ca, headers: { Authorization: "Bearer e2e-seeder" } }, (res) => {
          res.resume();
          res.on("end", () => ((res.statusCode ?? 500) < 300 ? resolve() : reject(new Error(`reset: HTTP ${res.statusCode}`))));
        });
        req.on("error", reject);
        req.end();
      });
    },
    async seed(name, value, tags, description) {
      await client.setSecret(name.replace(/[^A-Za-z0-9-]/g, "-"), value, { tags, contentType: description });
    },
    async find(tags) {
      const match = (await all()).find((s) => Object.entries(tags).every(([k, v]) => s.tags[k] === v));
      if (!match) return null;
      const secret = await client.getSecret(match.name);
      return { value: secret.value ?? "", description: match.contentType, tags: match.tags };
    },
    async configure(page) {
      await page.getByLabel("Vault URI").fill(vaultUrl);
      await page.getByLabel("Authority host").fill(vaultUrl);
      await page.getByLabel("Challenge resource verification").selectOption("true");
      await page.getByLabel("CA certificate (PEM)").fill(ca);
      await page.getByLabel("Directory (tenant) id").fill(process.env.KEYHOLD_AZURE_TENANT_ID!);
      await page.getByLabel("Application (client) id").fill("keyhold-e2e-app");
      await page.getByLabel("Client secret value").fill("CANARY-e2e-azure-client-secret");
    },
  };
}
