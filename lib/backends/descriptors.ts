import type { BackendType as DbBackendType } from "../db/generated/enums";
import { awsDescriptor } from "./aws/descriptor";
import { azureDescriptor } from "./azure/descriptor";
import { builtinDescriptor } from "./builtin/descriptor";
import type { SubkeySource } from "./adapter";
import type { BackendDescriptor } from "./backend-module";
import { gcpDescriptor } from "./gcp/descriptor";
import { vaultDescriptor } from "./vault/descriptor";

// The client-safe registry: the backend types are its keys, so the server registry (registry.ts), a
// `Record<ExternalBackendType, BackendModule>`, fails to compile without a module for each of them.

const registryOf = <T extends { [K in keyof T]: BackendDescriptor<K & string> }>(descriptors: T): T => descriptors;

/** One line per backend type, in the order forms list them. */
export const backendDescriptors = registryOf({
  "aws-secret-manager": awsDescriptor,
  "azure-key-vault": azureDescriptor,
  "google-secret-manager": gcpDescriptor,
  vault: vaultDescriptor,
});

/** Backend type names are the configuration file's (`kestra.secret.type`). */
export type ExternalBackendType = keyof typeof backendDescriptors;
export type BackendType = ExternalBackendType | typeof builtinDescriptor.id;

export const EXTERNAL_BACKEND_TYPES = Object.keys(backendDescriptors) as [
  ExternalBackendType,
  ...ExternalBackendType[],
];

/** The descriptor of a type, with its section's functions taking any section (callers pass the type's own). */
export const descriptorOf = (type: ExternalBackendType): BackendDescriptor<ExternalBackendType> =>
  backendDescriptors[type];

/** The name a user reads for a backend type, the builtin store included. */
export const backendLabel = (type: BackendType): string =>
  type === builtinDescriptor.id ? builtinDescriptor.label : backendDescriptors[type].label;

/** Whether a backend type keeps deleted secrets recoverable (its descriptor's `capabilities.softDelete`). */
export const hasSoftDelete = (type: string): boolean =>
  Object.hasOwn(backendDescriptors, type) &&
  backendDescriptors[type as ExternalBackendType].capabilities.softDelete === true;

export const toDbType = (type: ExternalBackendType): DbBackendType => backendDescriptors[type].dbValue;

const FROM_DB = Object.fromEntries(EXTERNAL_BACKEND_TYPES.map((t) => [backendDescriptors[t].dbValue, t])) as Record<
  DbBackendType,
  ExternalBackendType
>;

export const fromDbType = (value: DbBackendType): ExternalBackendType => FROM_DB[value];

/** How a configuration learns subkey names, as its type's descriptor declares for its section. */
export const subkeySourceOf = (document: { type: ExternalBackendType } & Record<string, unknown>): SubkeySource =>
  backendDescriptors[document.type].capabilities.subkeys(document[document.type]);
