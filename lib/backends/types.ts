/** Backend type names are the configuration file's (`kestra.secret.type`). */
export const EXTERNAL_BACKEND_TYPES = [
  "aws-secret-manager",
  "azure-key-vault",
  "google-secret-manager",
  "vault",
] as const;

export type ExternalBackendType = (typeof EXTERNAL_BACKEND_TYPES)[number];
export type BackendType = ExternalBackendType | "builtin";

export const BACKEND_LABELS: Record<BackendType, string> = {
  "aws-secret-manager": "AWS Secrets Manager",
  "azure-key-vault": "Azure Key Vault",
  "google-secret-manager": "Google Secret Manager",
  vault: "HashiCorp Vault",
  builtin: "Builtin store",
};

