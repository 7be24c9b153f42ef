import "server-only";
import type { BackendContext, SecretsBackend } from "../adapter";
import { createTaggedBackend } from "../tagged-adapter";
import { createAzureDriver } from "./driver";

/** Azure Key Vault: the generic tagged backend over the Key Vault secrets SDK. */
export function createAzureBackend(ctx: BackendContext): SecretsBackend {
  return createTaggedBackend(createAzureDriver(ctx), ctx);
}
