import type { ExternalBackendType } from "@/lib/backends/types";

/** One input of a dedicated-manager form; `path` is its dotted key in the configuration document. */
export interface FieldSpec {
  path: string;
  label: string;
  kind: "text" | "url" | "multiline" | "secret" | "secret-multiline" | "select";
  required?: boolean;
  placeholder?: string;
  help?: string;
  options?: { value: string; label: string }[];
}

export interface AuthMethodSpec {
  id: string;
  label: string;
  fields: FieldSpec[];
}

export interface BackendFormSpec {
  fields: FieldSpec[];
  auth: AuthMethodSpec[];
  /** Cloud backends have tags, filters and the managed prefix; Vault has paths instead. */
  tagged: boolean;
}

export const FORM_SPECS: Record<ExternalBackendType, BackendFormSpec> = {
  "aws-secret-manager": {
    tagged: true,
    fields: [
      { path: "region", label: "Region", kind: "text", required: true, placeholder: "us-east-1" },
      { path: "endpoint-override", label: "Endpoint override", kind: "url", placeholder: "https://secretsmanager.us-east-1.amazonaws.com", help: "Only for VPC endpoints, proxies or test servers." },
    ],
    auth: [
      {
        id: "static",
        label: "Access key",
        fields: [
          { path: "access-key-id", label: "Access key id", kind: "text", required: true, placeholder: "AKIA…" },
          { path: "secret-key-id", label: "Secret access key", kind: "secret", required: true },
        ],
      },
      {
        id: "session",
        label: "Session token",
        fields: [
          { path: "access-key-id", label: "Access key id", kind: "text", required: true, placeholder: "ASIA…" },
          { path: "secret-key-id", label: "Secret access key", kind: "secret", required: true },
          { path: "session-token", label: "Session token", kind: "secret", required: true },
        ],
      },
      { id: "chain", label: "Default provider chain", fields: [] },
    ],
  },
  "azure-key-vault": {
    tagged: true,
    fields: [
      { path: "vault-name", label: "Vault name", kind: "text", placeholder: "my-vault", help: "Or give the vault URI below." },
      { path: "key-vault-uri", label: "Vault URI", kind: "url", placeholder: "https://my-vault.vault.azure.net" },
      { path: "authority-host", label: "Authority host", kind: "url", placeholder: "https://login.microsoftonline.com", help: "Sovereign clouds and Azure Stack only." },
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
      { path: "ca-certificate", label: "CA certificate (PEM)", kind: "multiline", help: "Extra CA to trust, for a vault behind a private CA." },
    ],
    auth: [
      {
        id: "client-secret",
        label: "Client secret",
        fields: [
          { path: "clientSecret.tenantId", label: "Directory (tenant) id", kind: "text", required: true },
          { path: "clientSecret.clientId", label: "Application (client) id", kind: "text", required: true },
          { path: "clientSecret.clientSecret", label: "Client secret value", kind: "secret", required: true },
        ],
      },
      { id: "default", label: "Default Azure credential", fields: [] },
    ],
  },
  "google-secret-manager": {
    tagged: true,
    fields: [
      { path: "project", label: "Project id", kind: "text", required: true, placeholder: "my-project-123" },
      { path: "endpoint-override", label: "Endpoint override", kind: "url", placeholder: "https://secretmanager.googleapis.com", help: "Private or regional endpoint; http:// means a plaintext channel (test servers only)." },
      { path: "ca-certificate", label: "CA certificate (PEM)", kind: "multiline", help: "Extra CA to trust, for an https endpoint override behind a private CA." },
    ],
    auth: [
      {
        id: "service-account",
        label: "Service-account key",
        fields: [{ path: "service-account", label: "Service-account JSON key", kind: "secret-multiline", required: true, help: "Paste the contents of the JSON key file." }],
      },
      { id: "adc", label: "Application default credentials", fields: [] },
    ],
  },
  vault: {
    tagged: false,
    fields: [
      { path: "address", label: "Address", kind: "url", required: true, placeholder: "https://vault.example.com:8200" },
      { path: "root-engine", label: "Root engine", kind: "text", placeholder: "secret", help: "The KV mount; defaults to secret." },
      {
        path: "engine-version",
        label: "KV engine version",
        kind: "select",
        options: [
          { value: "2", label: "KV version 2" },
          { value: "1", label: "KV version 1" },
        ],
      },
      { path: "secret-path-prefix", label: "Secret path prefix", kind: "text", placeholder: "app1", help: "Only entries under root-engine/prefix/ are secrets." },
      { path: "namespace", label: "Vault namespace", kind: "text", placeholder: "admin", help: "Vault Enterprise namespace, sent as X-Vault-Namespace." },
      { path: "ca-certificate", label: "CA certificate (PEM)", kind: "multiline", help: "Extra CA to trust, for a Vault behind a private CA." },
    ],
    auth: [
      { id: "token", label: "Token", fields: [{ path: "token.token", label: "Vault token", kind: "secret", required: true }] },
      {
        id: "password",
        label: "Userpass",
        fields: [
          { path: "password.user", label: "Username", kind: "text", required: true },
          { path: "password.password", label: "Password", kind: "secret", required: true },
        ],
      },
      {
        id: "app-role",
        label: "AppRole",
        fields: [
          { path: "app-role.path", label: "Auth mount path", kind: "text", placeholder: "approle" },
          { path: "app-role.role-id", label: "Role id", kind: "text", required: true },
          { path: "app-role.secret-id", label: "Secret id", kind: "secret", required: true },
        ],
      },
    ],
  },
};

/** Which auth method a stored configuration uses, from its settings and the credentials that are set. */
export function detectAuthMethod(type: ExternalBackendType, section: Record<string, unknown>, credentialsSet: string[]): string {
  const has = (p: string) => credentialsSet.includes(`${type}.${p}`) || get(section, p) !== undefined;
  switch (type) {
    case "aws-secret-manager":
      return has("session-token") ? "session" : has("access-key-id") ? "static" : "chain";
    case "azure-key-vault":
      return has("clientSecret.clientId") || has("clientSecret.clientSecret") ? "client-secret" : "default";
    case "google-secret-manager":
      return has("service-account") ? "service-account" : "adc";
    case "vault":
      return has("password.user") ? "password" : has("app-role.role-id") ? "app-role" : "token";
  }
}

export function get(obj: unknown, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), obj);
}

export function set(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split(".");
  let cursor = obj;
  for (const k of keys.slice(0, -1)) {
    if (!cursor[k] || typeof cursor[k] !== "object") cursor[k] = {};
    cursor = cursor[k] as Record<string, unknown>;
  }
  cursor[keys[keys.length - 1]] = value;
}
