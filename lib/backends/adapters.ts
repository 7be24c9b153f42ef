import "server-only";
import type { BackendContext, SecretsBackend } from "./adapter";
import { createAwsBackend } from "./aws/adapter";
import { createAzureBackend } from "./azure/adapter";
import { createGcpBackend } from "./gcp/adapter";
import { createVaultBackend } from "./vault/adapter";
import type { ExternalBackendType } from "./types";

// One line per backend type; a type without an adapter fails to compile.
export const adapterRegistry: Record<ExternalBackendType, (ctx: BackendContext) => SecretsBackend> = {
  "aws-secret-manager": createAwsBackend,
  "azure-key-vault": createAzureBackend,
  "google-secret-manager": createGcpBackend,
  vault: createVaultBackend,
};

export function createBackend(ctx: BackendContext): SecretsBackend {
  return adapterRegistry[ctx.document.type](ctx);
}
