import type { BackendFormSpec } from "../backend-module";

/** The settings form of this type: its fields, auth methods and how a stored configuration's method is recognised. */
export const awsForm: BackendFormSpec = {
  fields: [
    { path: "region", label: "Region", kind: "text", required: true, placeholder: "us-east-1" },
    {
      path: "endpoint-override",
      label: "Endpoint override",
      kind: "url",
      placeholder: "https://secretsmanager.us-east-1.amazonaws.com",
      help: "Only for VPC endpoints, proxies or test servers.",
    },
  ],
  auth: [
    {
      id: "static",
      label: "Access key",
      fields: [
        { path: "access-key-id", label: "Access key id", kind: "text", required: true, placeholder: "AKIA…" },
        { path: "secret-key-id", label: "Secret access key", kind: "text", required: true },
      ],
    },
    {
      id: "session",
      label: "Session token",
      fields: [
        { path: "access-key-id", label: "Access key id", kind: "text", required: true, placeholder: "ASIA…" },
        { path: "secret-key-id", label: "Secret access key", kind: "text", required: true },
        { path: "session-token", label: "Session token", kind: "text", required: true },
      ],
    },
    { id: "chain", label: "Default provider chain", fields: [] },
  ],
  detectAuth: (has) => (has("session-token") ? "session" : has("access-key-id") ? "static" : "chain"),
};
