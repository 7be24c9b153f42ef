// Test kit: OpenBao with the root token, as a Vault administrator's CLI would reach it. Framework-free, so the
// Vitest kit (./vault.ts) and the Playwright specs share it.
import nodeVault from "node-vault";
import { emulatorEnv } from "../emulators";

type Client = ReturnType<typeof nodeVault>;
/** A node-vault client with the root token (explicit endpoint/token/namespace: node-vault reads VAULT_* otherwise). */
export function root(namespace?: string): Client {
  const c = nodeVault({
    apiVersion: "v1",
    endpoint: emulatorEnv("KEYHOLD_VAULT_ADDR"),
    token: emulatorEnv("KEYHOLD_VAULT_TOKEN"),
    namespace,
    debug: () => {},
  }) as Client & { namespace: string; pathPrefix: string };
  c.namespace = namespace ?? "";
  c.pathPrefix = "";
  return c;
}
