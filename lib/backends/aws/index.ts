import "server-only";
import type { BackendModule } from "../backend-module";
import { createAwsBackend } from "./adapter";
import { awsDescriptor } from "./descriptor";

/** Everything about AWS Secrets Manager: its descriptor (schema, credentials, destinations, capabilities, form) and its adapter. */
export const awsBackend: BackendModule<"aws-secret-manager"> = { ...awsDescriptor, createAdapter: createAwsBackend };
