import "server-only";
import type { BackendModule } from "../backend-module";
import { createAzureBackend } from "./adapter";
import { azureDescriptor } from "./descriptor";

/** Everything about Azure Key Vault: its descriptor (schema, credentials, destinations, capabilities, form) and its adapter. */
export const azureBackend: BackendModule<"azure-key-vault"> = { ...azureDescriptor, createAdapter: createAzureBackend };
