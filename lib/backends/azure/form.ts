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
    {
      id: "workload-identity",
      label: "Workload identity",
      fields: [
        {
          path: "workloadIdentity.tenantId",
          label: "Directory (tenant) id",
          kind: "text",
          required: true,
          help: "The tenant of the app registration (or user-assigned identity) that trusts the token's issuer.",
        },
        {
          path: "workloadIdentity.clientId",
          label: "Application (client) id",
          kind: "text",
          required: true,
          help: "The app with the federated credential (issuer, subject, audience api://AzureADTokenExchange).",
        },
        {
          path: "workloadIdentity.tokenFile",
          label: "Federated token file",
          kind: "text",
          required: true,
          placeholder: "/var/run/keyhold/acme/azure-token",
          help: "A projected token the server reads at each token request; only inside the directories the instance allows (KEYHOLD_TOKEN_FILE_DIRS).",
        },
      ],
    },
    {
      id: "managed-identity",
      label: "Managed identity (server)",
      fields: [
        {
          path: "managedIdentity.kind",
          label: "Identity",
          kind: "select",
          required: true,
          options: [
            { value: "system", label: "System-assigned" },
            { value: "user-assigned", label: "User-assigned (by client id)" },
          ],
          help: "The server's own identity: only an instance administrator may choose it, where the instance allows it.",
        },
        {
          path: "managedIdentity.clientId",
          label: "User-assigned client id",
          kind: "text",
          help: "Only for a user-assigned identity attached to the server.",
        },
      ],
    },
    { id: "default", label: "Default Azure credential", fields: [] },
  ],
  detectAuth: (has) =>
    has("clientSecret.clientId") || has("clientSecret.clientSecret")
      ? "client-secret"
      : has("workloadIdentity.clientId")
        ? "workload-identity"
        : has("managedIdentity.kind")
          ? "managed-identity"
          : "default",
};
