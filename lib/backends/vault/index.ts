import "server-only";
import type { BackendModule } from "../backend-module";
import { createVaultBackend } from "./adapter";
import { vaultDescriptor } from "./descriptor";

/** Everything about HashiCorp Vault: its descriptor (schema, credentials, destinations, capabilities, form) and its adapter. */
export const vaultBackend: BackendModule<"vault"> = { ...vaultDescriptor, createAdapter: createVaultBackend };
