import "server-only";
import type { BackendContext, SecretsBackend } from "../adapter";
import { createTaggedBackend } from "../tagged-adapter";
import { createAwsDriver } from "./driver";

/** AWS Secrets Manager: the shared tagged-backend behaviour over the AWS SDK driver. */
export function createAwsBackend(ctx: BackendContext): SecretsBackend {
  return createTaggedBackend(createAwsDriver(ctx), ctx);
}
