import { z } from "zod";
import { cloudCommon, optionalText, optionalUrl, type Identity, type SectionIssue } from "../config-fields";

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
    ...cloudCommon,
  })
  .superRefine((v, ctx) => {
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

export const awsCredentials = { "secret-key-id": "secret access key", "session-token": "session token" };

export const awsDestinations = { "endpoint-override": "endpoint", region: "region" };

export const awsHost = (v: AwsSection): string =>
  v["endpoint-override"]
    ? new URL(v["endpoint-override"]).host
    : `secretsmanager.${v.region ?? "(default region)"}.amazonaws.com`;

export function awsIdentity(v: AwsSection): Identity {
  if (v["access-key-id"] && v["secret-key-id"])
    return { kind: "configured", label: v["session-token"] ? "the session credentials below" : "the access key below" };
  return {
    kind: "ambient",
    label: "the server's own AWS identity (its environment, shared files, or instance or task role)",
  };
}
