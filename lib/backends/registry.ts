import "server-only";
import type { BackendContext, SecretsBackend } from "./adapter";
import { awsBackend } from "./aws";
import { azureBackend } from "./azure";
import { gcpBackend } from "./gcp";
import type { BackendModule } from "./backend-module";
import type { ExternalBackendType } from "./descriptors";
import { vaultBackend } from "./vault";

// One line per backend type; a type of the descriptors' registry without its module fails to compile.
export const backendRegistry: { [K in ExternalBackendType]: BackendModule<K> } = {
  "aws-secret-manager": awsBackend,
  "azure-key-vault": azureBackend,
  "google-secret-manager": gcpBackend,
  vault: vaultBackend,
};

/** The adapter of a validated document's backend type. */
export function createBackend(ctx: BackendContext): SecretsBackend {
  return backendRegistry[ctx.document.type].createAdapter(ctx);
}
