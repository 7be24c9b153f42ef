import type { BackendFormSpec, FieldSpec } from "../backend-module";

const keys: FieldSpec[] = [
  { path: "access-key-id", label: "Access key id", kind: "text", required: true, placeholder: "AKIA…" },
  { path: "secret-key-id", label: "Secret access key", kind: "text", required: true },
];
const roleArn: FieldSpec = {
  path: "role-arn",
  label: "Role ARN",
  kind: "text",
  required: true,
  placeholder: "arn:aws:iam::123456789012:role/keyhold",
  help: "The role Keyhold assumes; its trust policy must allow the caller (see the AWS setup guide).",
};
const externalId: FieldSpec = {
  path: "external-id",
  label: "External id",
  kind: "text",
  help: "Default: this tenant's id; put it in the trust policy as sts:ExternalId. Your own value must start with the tenant id and ':'.",
};
const session: FieldSpec[] = [
  {
    path: "session-name",
    label: "Session name",
    kind: "text",
    placeholder: "keyhold-<tenant>",
    help: "Shown in CloudTrail; default keyhold-<tenant id>.",
  },
  {
    path: "duration",
    label: "Session duration (seconds)",
    kind: "text",
    placeholder: "3600",
    help: "900 to 43200; at most the role's maximum session duration.",
  },
  {
    path: "sts-endpoint-override",
    label: "STS endpoint override",
    kind: "url",
    placeholder: "https://sts.us-east-1.amazonaws.com",
    help: "Only for VPC endpoints, proxies or test servers; the credentials are bound to it.",
  },
];

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
    { id: "role-keys", label: "Assume a role (access key)", fields: [...keys, roleArn, externalId, ...session] },
    {
      id: "web-identity",
      label: "Assume a role (web identity)",
      fields: [
        roleArn,
        {
          path: "web-identity-token-file",
          label: "Web identity token file",
          kind: "text",
          required: true,
          placeholder: "/var/run/keyhold/acme/aws-token",
          help: "An OIDC token file the server reads for each session (AssumeRoleWithWebIdentity); only inside the directories the instance allows (KEYHOLD_TOKEN_FILE_DIRS).",
        },
        ...session,
      ],
    },
    {
      id: "role-server",
      label: "Assume a role (server identity)",
      fields: [roleArn, externalId, ...session],
    },
    { id: "chain", label: "Default provider chain", fields: [] },
  ],
  detectAuth: (has) =>
    has("web-identity-token-file")
      ? "web-identity"
      : has("role-arn")
        ? has("access-key-id")
          ? "role-keys"
          : "role-server"
        : has("session-token")
          ? "session"
          : has("access-key-id")
            ? "static"
            : "chain",
};
