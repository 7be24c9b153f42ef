import "server-only";
import type { BackendContext, SecretsBackend } from "../adapter";
import { createTaggedBackend } from "../tagged-adapter";
import { createGcpDriver } from "./driver";

/** Google Secret Manager: the shared tagged-backend behaviour over the Secret Manager v1 gRPC API. */
export function createGcpBackend(ctx: BackendContext): SecretsBackend {
  return createTaggedBackend(createGcpDriver(ctx), ctx);
}
