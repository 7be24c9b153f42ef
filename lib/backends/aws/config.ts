import { z } from "zod";
import { cloudCommon, optionalText, optionalUrl, type Identity, type SectionIssue } from "../config-fields";

const blankAsUnset = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const matching = (pattern: RegExp, message: string) =>
  z.preprocess(blankAsUnset, z.string().trim().regex(pattern, message).optional());

/** Assuming a role (AssumeRole, or AssumeRoleWithWebIdentity with a token file). */
const roleSettings = {
  "role-arn": matching(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
    "A role ARN such as arn:aws:iam::123456789012:role/keyhold",
  ),
  /** Sent as sts:ExternalId; for a tenant's configuration it is the tenant id, or starts with it and ':'. */
  "external-id": matching(/^[\w+=,.@:/-]{2,1224}$/, "2-1224 letters, digits and +=,.@:/-"),
  "session-name": matching(/^[\w+=,.@-]{2,64}$/, "2-64 letters, digits and +=,.@-"),
  /** Seconds of each role session: 900 (15 minutes) to 43200 (12 hours, if the role allows it). */
  duration: z.preprocess(
    (v) => (typeof v === "string" ? (v.trim() === "" ? undefined : /^\d+$/.test(v.trim()) ? Number(v) : v) : v),
    z
      .number({ error: "Seconds, a whole number" })
      .int("Seconds, a whole number")
      .min(900, "At least 900 seconds")
      .max(43200, "At most 43200 seconds (12 hours)")
      .optional(),
  ),
  "web-identity-token-file": optionalText(1024),
  /** Where STS calls go (VPC endpoint, test server); a destination of the credentials like endpoint-override. */
  "sts-endpoint-override": optionalUrl,
};

type RoleFields = { [K in keyof typeof roleSettings]?: unknown } & { "access-key-id"?: string };

function roleIssues(v: RoleFields): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  if (!v["role-arn"]) {
    for (const k of ["external-id", "session-name", "duration", "web-identity-token-file", "sts-endpoint-override"])
      if (v[k as keyof RoleFields] !== undefined)
        issues.push({ path: [k], message: "Goes with a role to assume: give the role ARN too" });
  } else if (v["web-identity-token-file"]) {
    if (v["access-key-id"])
      issues.push({
        path: ["web-identity-token-file"],
        message: "Web identity needs no access key: give either the keys or the token file",
      });
    if (v["external-id"] !== undefined)
      issues.push({ path: ["external-id"], message: "AssumeRoleWithWebIdentity takes no external id" });
  }
  return issues;
}

export const awsSection = z
  .strictObject({
    "access-key-id": optionalText(128),
    "secret-key-id": optionalText(256),
    "session-token": optionalText(4096),
    region: z.preprocess(
      (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
      z
        .string()
        .trim()
        .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "An AWS region such as us-east-1")
        .optional(),
    ),
    "endpoint-override": optionalUrl,
    ...roleSettings,
    ...cloudCommon,
  })
  .superRefine((v, ctx) => {
    for (const issue of roleIssues(v)) ctx.addIssue({ code: "custom", ...issue });
    if (!!v["access-key-id"] !== !!v["secret-key-id"]) {
      const missing = v["access-key-id"] ? "secret-key-id" : "access-key-id";
      ctx.addIssue({
        code: "custom",
        path: [missing],
        message: "Give both the access key id and the secret key, or neither to use the default provider chain",
      });
    }
    if (v["session-token"] && !v["access-key-id"]) {
      ctx.addIssue({
        code: "custom",
        path: ["session-token"],
        message: "A session token goes with an access key id and secret key",
      });
    }
  });

export type AwsSection = z.infer<typeof awsSection>;

/** Seed snippets omit the region (the SDK then reads AWS_REGION): a warning in the file, required in forms, each saying so. */
export function awsIncomplete(v: AwsSection): SectionIssue[] {
  return v.region
    ? []
    : [
        {
          path: ["region"],
          message: "Give a region such as us-east-1",
          warning: "no region: the AWS SDK's default region (AWS_REGION) is used",
        },
      ];
}

export const awsCredentials = {
  "secret-key-id": "secret access key",
  "session-token": "session token",
  // A path makes the server send one of its files' content: bound to the endpoints like a key.
  "web-identity-token-file": "web identity token file",
};

/** Credential paths that name a file on the server (checked against KEYHOLD_TOKEN_FILE_DIRS). */
export const awsTokenFiles = ["web-identity-token-file"];

export const awsDestinations = {
  "endpoint-override": "endpoint",
  region: "region",
  "sts-endpoint-override": "STS endpoint",
};

/**
 * The external id a role is assumed with. For a tenant's configuration it is the tenant id unless given, and a given one
 * must be the tenant id or start with it and ':', so that no tenant can send the id another tenant's trust policy
 * expects (the confused deputy). The configuration file's backend (no tenant) sends what it says, or none.
 */
export function externalIdOf(v: Pick<AwsSection, "external-id">, tenant: string | null): string | undefined {
  if (tenant === null) return v["external-id"];
  return v["external-id"] ?? tenant;
}

/** Why a tenant's configuration may not use its external id, or null (pure: the save, verify and use refuse the same). */
export function externalIdProblem(v: Pick<AwsSection, "external-id">, tenant: string | null): string | null {
  const id = v["external-id"];
  if (tenant === null || id === undefined || id === tenant || id.startsWith(`${tenant}:`)) return null;
  return `The external id must be this tenant's id (${tenant}) or start with '${tenant}:': another value could be the one another tenant's role trusts`;
}

export const awsHost = (v: AwsSection): string =>
  v["endpoint-override"]
    ? new URL(v["endpoint-override"]).host
    : `secretsmanager.${v.region ?? "(default region)"}.amazonaws.com`;

export function awsIdentity(v: AwsSection): Identity {
  const role = v["role-arn"] ? `, assuming role ${v["role-arn"]}` : "";
  if (v["access-key-id"] && v["secret-key-id"])
    return {
      kind: "configured",
      label: `${v["session-token"] ? "the session credentials below" : "the access key below"}${role}`,
    };
  if (v["role-arn"] && v["web-identity-token-file"])
    return { kind: "configured", label: `the web identity token in the token file below${role}` };
  return {
    kind: "ambient",
    label: `the server's own AWS identity (its environment, shared files, or instance or task role)${role}`,
  };
}
