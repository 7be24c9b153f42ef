import { azureSeeder, env } from "../../tests/support/backends/azure";
import type { E2eBackend } from "./seeder";

/** The Key Vault server on loopback (self-signed TLS, its own Entra ID endpoints), seeded through the SDK. */
export function azureBackend(): E2eBackend {
  return {
    label: "Azure Key Vault",
    radio: "Azure Key Vault",
    seeder: azureSeeder(),
    async configure(page) {
      const { vaultUrl, caPem, tenantId } = env();
      await page.getByLabel("Vault URI").fill(vaultUrl);
      await page.getByLabel("Authority host").fill(vaultUrl);
      await page.getByLabel("Challenge resource verification").selectOption("true");
      await page.getByLabel("CA certificate (PEM)").fill(caPem);
      await page.getByLabel("Directory (tenant) id").fill(tenantId);
      await page.getByLabel("Application (client) id").fill("keyhold-e2e-app");
      await page.getByLabel("Client secret value").fill("CANARY-e2e-azure-client-secret");
    },
  };
}
