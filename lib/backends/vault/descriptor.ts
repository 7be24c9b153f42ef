import { BackendType as DbBackendType } from "../../db/generated/enums";
import { describeBackend } from "../backend-module";
import { vaultCredentials, vaultDestinations, vaultHost, vaultIdentity, vaultSection } from "./config";
import { vaultView } from "./view";
import { vaultForm } from "./form";

/** HashiCorp Vault without its SDK: client-safe (the settings form reads it); `./index.ts` adds the adapter. */
export const vaultDescriptor = describeBackend({
  id: "vault",
  label: "HashiCorp Vault",
  dbValue: DbBackendType.VAULT,
  section: vaultSection,
  credentials: vaultCredentials,
  destinations: vaultDestinations,
  view: vaultView,
  identity: vaultIdentity,
  host: vaultHost,
  // KV v2 serves subkey names without values (`<mount>/subkeys/<path>`); KV v1 has no metadata at all.
  capabilities: { model: "path", subkeys: (section) => (section["engine-version"] === 1 ? "on-demand" : "metadata") },
  form: vaultForm,
});
