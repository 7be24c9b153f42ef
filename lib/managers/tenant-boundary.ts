import "server-only";
import { externalIdProblem, awsTokenFiles, type AwsSection } from "../backends/aws/config";
import { azureTokenFiles } from "../backends/azure/config";
import type { ExternalBackendType } from "../backends/descriptors";
import type { ConfigDocument } from "../backends/document";
import { getPath } from "../backends/document-path";
import { vaultTokenFiles } from "../backends/vault/config";
import { serverEnv } from "../env";
import { tokenFileDirs, tokenFileRefusal } from "../net/token-files";

/** Credential paths of each type that name a file on the server; a type without an entry does not compile. */
const TOKEN_FILES: Record<ExternalBackendType, readonly string[]> = {
  "aws-secret-manager": awsTokenFiles,
  "azure-key-vault": azureTokenFiles,
  "google-secret-manager": [],
  vault: vaultTokenFiles,
};

/**
 * What a tenant's configuration may not name, as field errors (dotted paths from the document root), or null: an AWS
 * external id another tenant's role could expect, a token file outside the tenant's allowed directories. Save and
 * verify refuse before any network call; the adapters check again at every use.
 */
export function tenantBoundaryErrors(document: ConfigDocument, tenant: string): Record<string, string> | null {
  const errors: Record<string, string> = {};
  const section = document[document.type] ?? {};
  if (document.type === "aws-secret-manager") {
    const problem = externalIdProblem(section as AwsSection, tenant);
    if (problem) errors[`${document.type}.external-id`] = problem;
  }
  const dirs = tokenFileDirs(serverEnv().KEYHOLD_TOKEN_FILE_DIRS, tenant);
  for (const p of TOKEN_FILES[document.type]) {
    const file = getPath(section, p);
    if (typeof file !== "string" || !file) continue;
    const refusal = tokenFileRefusal(file, dirs);
    if (refusal) errors[`${document.type}.${p}`] = refusal;
  }
  return Object.keys(errors).length ? errors : null;
}
