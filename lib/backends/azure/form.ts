import type { BackendFormSpec } from "../backend-module";

/** The settings form of this type: its fields, auth methods and how a stored configuration's method is recognised. */
export const azureForm: BackendFormSpec = {
  fields: [
    {
      path: "vault-name",
      label: "Vault name",
      kind: "text",
      placeholder: "my-vault",
      help: "Or give the vault URI below.",
    },
    { path: "key-vault-uri", label: "Vault URI", kind: "url", placeholder: "https://my-vault.vault.azure.net" },
    {
      path: "authority-host",
      label: "Authority host",
      kind: "url",
      placeholder: "https://login.microsoftonline.com",
      help: "Sovereign clouds and Azure Stack only.",
    },
    {
      path: "disable-challenge-resource-verification",
      label: "Challenge resource verification",
      kind: "select",
      options: [
        { value: "false", label: "Verify (recommended)" },
        { value: "true", label: "Do not verify" },
      ],
      help: "Turn off only for private clouds whose challenge names another resource.",
    },
    {
      path: "ca-certificate",
      label: "CA certificate (PEM)",
      kind: "multiline",
      help: "Extra CA to trust, for a vault behind a private CA.",
    },
  ],
  auth: [
    {
      id: "client-secret",
      label: "Client secret",
      fields: [
        { path: "clientSecret.tenantId", label: "Directory (tenant) id", kind: "text", required: true },
        { path: "clientSecret.clientId", label: "Application (client) id", kind: "text", required: true },
        { path: "clientSecret.clientSecret", label: "Client secret value", kind: "text", required: true },
      ],
    },
    { id: "default", label: "Default Azure credential", fields: [] },
  ],
  detectAuth: (has) => (has("clientSecret.clientId") || has("clientSecret.clientSecret") ? "client-secret" : "default"),
};
