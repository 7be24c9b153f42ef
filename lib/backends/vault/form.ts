import type { BackendFormSpec } from "../backend-module";

/** The settings form of this type: its fields, auth methods and how a stored configuration's method is recognised. */
export const vaultForm: BackendFormSpec = {
  fields: [
    { path: "address", label: "Address", kind: "url", required: true, placeholder: "https://vault.example.com:8200" },
    {
      path: "root-engine",
      label: "Root engine",
      kind: "text",
      placeholder: "secret",
      help: "The KV mount; defaults to secret.",
    },
    {
      path: "engine-version",
      label: "KV engine version",
      kind: "select",
      numeric: true,
      options: [
        { value: "2", label: "KV version 2" },
        { value: "1", label: "KV version 1" },
      ],
    },
    {
      path: "secret-path-prefix",
      label: "Secret path prefix",
      kind: "text",
      placeholder: "app1",
      help: "Only entries under root-engine/prefix/ are secrets.",
    },
    {
      path: "namespace",
      label: "Vault namespace",
      kind: "text",
      placeholder: "admin",
      help: "Vault Enterprise namespace, sent as X-Vault-Namespace.",
    },
    {
      path: "ca-certificate",
      label: "CA certificate (PEM)",
      kind: "multiline",
      help: "Extra CA to trust, for a Vault behind a private CA.",
    },
  ],
  auth: [
    {
      id: "token",
      label: "Token",
      fields: [{ path: "token.token", label: "Vault token", kind: "text", required: true }],
    },
    {
      id: "password",
      label: "Userpass",
      fields: [
        { path: "password.user", label: "Username", kind: "text", required: true },
        { path: "password.password", label: "Password", kind: "text", required: true },
      ],
    },
    {
      id: "app-role",
      label: "AppRole",
      fields: [
        { path: "app-role.path", label: "Auth mount path", kind: "text", placeholder: "approle" },
        { path: "app-role.role-id", label: "Role id", kind: "text", required: true },
        { path: "app-role.secret-id", label: "Secret id", kind: "text", required: true },
      ],
    },
  ],
  detectAuth: (has) => (has("password.user") ? "password" : has("app-role.role-id") ? "app-role" : "token"),
};
