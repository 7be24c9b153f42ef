import type { z } from "zod";
import { awsCredentials, awsDestinations, awsHost, awsIdentity, awsIncomplete, awsSection } from "./aws/config";
import { azureCredentials, azureDestinations, azureHost, azureIdentity, azureIncomplete, azureSection } from "./azure/config";
import type { Identity, SectionIssue } from "./config-fields";
import { gcpCredentials, gcpDestinations, gcpHost, gcpIdentity, gcpIncomplete, gcpSection } from "./gcp/config";
import { vaultCredentials, vaultDestinations, vaultHost, vaultIdentity, vaultSection } from "./vault/config";
import type { ExternalBackendType } from "./types";

export interface BackendDefinition {
  /** Validates the type's section of a configuration document (form or YAML, same keys). */
  section: z.ZodType;
  /** Dotted paths inside the section that hold credentials (encrypted at rest, never sent back), with their word in forms. */
  credentials: Record<string, string>;
  /**
   * Dotted paths inside the section that decide where a credential is sent or what it unlocks, with their
   * word in messages. A stored credential is kept only while all of them are unchanged.
   */
  destinations: Record<string, string>;
  /** Whose identity a valid section authenticates with. */
  identity: (section: never) => Identity;
  /** The host (and port) credentials are sent to, for audit entries. */
  host: (section: never) => string;
  /** Whether secrets carry tags/labels (tag mode, filter-on-tags); Vault has paths instead. */
  tagged: boolean;
  /** Settings a parsed section lacks or stubs (the seed's snippets do), reported per `incomplete` mode. */
  incomplete?: (section: never) => SectionIssue[];
}

// Adding a backend type means one folder and one line here; a missing type fails to compile.
export const backendRegistry: Record<ExternalBackendType, BackendDefinition> = {
  "aws-secret-manager": { section: awsSection, credentials: awsCredentials, destinations: awsDestinations, identity: awsIdentity, host: awsHost, tagged: true, incomplete: awsIncomplete },
  "azure-key-vault": { section: azureSection, credentials: azureCredentials, destinations: azureDestinations, identity: azureIdentity, host: azureHost, tagged: true, incomplete: azureIncomplete },
  "google-secret-manager": { section: gcpSection, credentials: gcpCredentials, destinations: gcpDestinations, identity: gcpIdentity, host: gcpHost, tagged: true, incomplete: gcpIncomplete },
  vault: { section: vaultSection, credentials: vaultCredentials, destinations: vaultDestinations, identity: vaultIdentity, host: vaultHost, tagged: false },
};
