import type { z } from "zod";
import { awsCredentialPaths, awsIncomplete, awsSection } from "./aws/config";
import { azureCredentialPaths, azureIncomplete, azureSection } from "./azure/config";
import type { SectionIssue } from "./config-fields";
import { gcpCredentialPaths, gcpIncomplete, gcpSection } from "./gcp/config";
import { vaultCredentialPaths, vaultSection } from "./vault/config";
import type { ExternalBackendType } from "./types";

export interface BackendDefinition {
  /** Validates the type's section of a configuration document (form or YAML, same keys). */
  section: z.ZodType;
  /** Paths inside the section that hold credentials: encrypted at rest, never sent back. */
  credentialPaths: string[][];
  /** Whether secrets carry tags/labels (tag mode, filter-on-tags); Vault has paths instead. */
  tagged: boolean;
  /** Settings a parsed section lacks or stubs (the seed's snippets do), reported per `incomplete` mode. */
  incomplete?: (section: never) => SectionIssue[];
}

// Adding a backend type means one folder and one line here; a missing type fails to compile.
export const backendRegistry: Record<ExternalBackendType, BackendDefinition> = {
  "aws-secret-manager": { section: awsSection, credentialPaths: awsCredentialPaths, tagged: true, incomplete: awsIncomplete },
  "azure-key-vault": { section: azureSection, credentialPaths: azureCredentialPaths, tagged: true, incomplete: azureIncomplete },
  "google-secret-manager": { section: gcpSection, credentialPaths: gcpCredentialPaths, tagged: true, incomplete: gcpIncomplete },
  vault: { section: vaultSection, credentialPaths: vaultCredentialPaths, tagged: false },
};
