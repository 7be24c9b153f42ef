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
    {
      id: "jwt",
      label: "JWT / OIDC role",
      fields: [
        {
          path: "jwt.path",
          label: "Auth mount path",
          kind: "text",
          placeholder: "jwt",
          help: "Where the JWT auth method is enabled (vault auth enable -path=… jwt).",
        },
        {
          path: "jwt.role",
          label: "Role",
          kind: "text",
          required: true,
          help: "The role of that mount whose bound audiences and claims the JWT matches.",
        },
        {
          path: "jwt.token",
          label: "JWT",
          kind: "multiline",
          help: "A signed JWT; or leave empty and give the token file instead.",
        },
        {
          path: "jwt.token-file",
          label: "Token file",
          kind: "text",
          placeholder: "/var/run/keyhold/acme/vault-jwt",
          help: "Absolute path of a file the server reads at each login (a projected token); only inside the directories the instance allows (KEYHOLD_TOKEN_FILE_DIRS).",
        },
      ],
    },
    {
      id: "kubernetes",
      label: "Kubernetes",
      fields: [
        {
          path: "kubernetes.path",
          label: "Auth mount path",
          kind: "text",
          placeholder: "kubernetes",
          help: "Where the Kubernetes auth method is enabled.",
        },
        {
          path: "kubernetes.role",
          label: "Role",
          kind: "text",
          required: true,
          help: "The role bound to the service account's name and namespace.",
        },
        {
          path: "kubernetes.token-file",
          label: "Service account token file",
          kind: "text",
          placeholder: "/var/run/keyhold/acme/vault-token",
          help: "A projected service account token inside the directories the instance allows. Empty: the server's own service account, which only an instance administrator may choose where the instance allows it.",
        },
      ],
    },
  ],
  detectAuth: (has) =>
    has("password.user")
      ? "password"
      : has("app-role.role-id")
        ? "app-role"
        : has("jwt.role")
          ? "jwt"
          : has("kubernetes.role")
            ? "kubernetes"
            : "token",
};
