import "server-only";
import type { BackendModule } from "../backend-module";
import { createGcpBackend } from "./adapter";
import { gcpDescriptor } from "./descriptor";

/** Everything about Google Secret Manager: its descriptor (schema, credentials, destinations, capabilities, form) and its adapter. */
export const gcpBackend: BackendModule<"google-secret-manager"> = { ...gcpDescriptor, createAdapter: createGcpBackend };
