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
    { id: "adc", label: "Application default credentials", fields: [] },
  ],
  detectAuth: (has) => (has("service-account") ? "service-account" : "adc"),
};
