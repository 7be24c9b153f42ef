import { BackendType as DbBackendType } from "../../db/generated/enums";
import { describeBackend } from "../backend-module";
import { azureCredentials, azureDestinations, azureHost, azureIdentity, azureIncomplete, azureSection } from "./config";
import { azureView } from "./view";
import { azureForm } from "./form";

/** Azure Key Vault without its SDK: client-safe (the settings form reads it); `./index.ts` adds the adapter. */
export const azureDescriptor = describeBackend({
  id: "azure-key-vault",
  label: "Azure Key Vault",
  dbValue: DbBackendType.AZURE_KEY_VAULT,
  section: azureSection,
  credentials: azureCredentials,
  destinations: azureDestinations,
  view: azureView,
  identity: azureIdentity,
  host: azureHost,
  incomplete: azureIncomplete,
  // Subkeys are keys of a JSON value: only a read of that one secret tells them.
  capabilities: {
    model: "tagged",
    tagWord: "tags",
    apiFilters: { tags: "none", namePrefix: false, inReadOnly: false },
    subkeys: () => "on-demand",
    softDelete: true,
  },
  form: azureForm,
});
