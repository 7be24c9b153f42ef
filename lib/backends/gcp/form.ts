import type { BackendFormSpec } from "../backend-module";

/** The settings form of this type: its fields, auth methods and how a stored configuration's method is recognised. */
export const gcpForm: BackendFormSpec = {
  fields: [
    { path: "project", label: "Project id", kind: "text", required: true, placeholder: "my-project-123" },
    {
      path: "endpoint-override",
      label: "Endpoint override",
      kind: "url",
      placeholder: "https://secretmanager.googleapis.com",
      help: "Private or regional endpoint; http:// means a plaintext channel (test servers only).",
    },
    {
      path: "ca-certificate",
      label: "CA certificate (PEM)",
      kind: "multiline",
      help: "Extra CA to trust, for an https endpoint override behind a private CA.",
    },
  ],
  auth: [
    {
      id: "service-account",
      label: "Service-account key",
      fields: [
        {
          path: "service-account",
          label: "Service-account JSON key",
          kind: "multiline",
          required: true,
          help: "Paste the contents of the JSON key file.",
        },
      ],
    },
    {
      id: "impersonation",
      label: "Impersonate a service account",
      fields: [
        {
          path: "service-account",
          label: "Service-account JSON key (the caller)",
          kind: "multiline",
          required: true,
          help: "The key of the account that impersonates; it needs roles/iam.serviceAccountTokenCreator on the target (or the first delegate).",
        },
        {
          path: "impersonate-service-account",
          label: "Service account to impersonate",
          kind: "text",
          required: true,
          placeholder: "secrets-reader@my-project.iam.gserviceaccount.com",
          help: "Keyhold works with short-lived tokens of this account (IAM Credentials generateAccessToken).",
        },
        {
          path: "delegates",
          label: "Delegates",
          kind: "text",
          placeholder: "a@p.iam.gserviceaccount.com, b@p.iam.gserviceaccount.com",
          help: "Optional chain, comma-separated, in order: each account may mint the next one's tokens.",
        },
        {
          path: "iam-endpoint-override",
          label: "IAM Credentials endpoint override",
          kind: "url",
          placeholder: "https://iamcredentials.googleapis.com",
          help: "Only for Private Service Connect or test servers; the key is bound to it.",
        },
      ],
    },
    { id: "adc", label: "Application default credentials", fields: [] },
  ],
  detectAuth: (has) =>
    has("impersonate-service-account") ? "impersonation" : has("service-account") ? "service-account" : "adc",
};
