import { z } from "zod";
import { caCertificate, cloudCommon, optionalUrl, type Identity, type SectionIssue } from "../config-fields";

// Any text is accepted here so the seed's placeholder loads; whether it is a usable key is checked by gcpIncomplete.
const serviceAccount = z.string().trim().max(16384, "A service-account key is at most 16 KiB");

const email = z
  .string()
  .trim()
  .max(255)
  .regex(
    /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/,
    "A service account's email, e.g. reader@my-project.iam.gserviceaccount.com",
  );

export const gcpSection = z
  .strictObject({
    project: z.preprocess(
      (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
      z
        .string()
        .trim()
        .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "A project id: 6-30 lowercase letters, digits and dashes")
        .optional(),
    ),
    "service-account": z.preprocess(
      (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
      serviceAccount.optional(),
    ),
    /** Private endpoint, e.g. https://secretmanager.eu-west1.rep.googleapis.com; http:// means a plaintext gRPC channel. */
    "endpoint-override": optionalUrl,
    /** Extra CA to trust on an https:// endpoint-override behind a private CA; gRPC otherwise trusts only Node's bundled CAs. */
    "ca-certificate": caCertificate,
    /** The service account whose short-lived tokens (IAM Credentials generateAccessToken) the configured key asks for. */
    "impersonate-service-account": z.preprocess(
      (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
      email.optional(),
    ),
    /** The chain of service accounts between the key's and the target, each allowed to mint the next one's tokens. */
    delegates: z.preprocess(
      (v) =>
        typeof v === "string"
          ? v
              .split(",")
              .map((d) => d.trim())
              .filter(Boolean)
          : v,
      z.array(email).max(10, "At most 10 delegates").optional(),
    ),
    /** Where IAM Credentials calls go (Private Service Connect, test servers); the key is bound to it like the endpoint. */
    "iam-endpoint-override": optionalUrl,
    ...cloudCommon,
  })
  .superRefine((v, ctx) => {
    if (!v["impersonate-service-account"]) {
      for (const k of ["delegates", "iam-endpoint-override"] as const)
        if (v[k] !== undefined && !(Array.isArray(v[k]) && !v[k].length))
          ctx.addIssue({
            code: "custom",
            path: [k],
            message: "Goes with impersonation: give the service account to impersonate",
          });
    } else if (!v["service-account"]) {
      ctx.addIssue({
        code: "custom",
        path: ["impersonate-service-account"],
        message: "Impersonation starts from the service-account key: give the key too",
      });
    }
  });

export type GcpSection = z.infer<typeof gcpSection>;

function serviceAccountProblem(text: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return "Must be the JSON key file of a service account; the backend cannot authenticate until it is replaced";
  }
  const o = parsed as Record<string, unknown>;
  if (
    !o ||
    typeof o !== "object" ||
    o.type !== "service_account" ||
    typeof o.client_email !== "string" ||
    typeof o.private_key !== "string"
  ) {
    return 'The JSON needs type "service_account", client_email and private_key';
  }
  return null;
}

/** What the seed's snippets leave out or stub: warnings in the configuration file, errors in forms. */
export function gcpIncomplete(v: GcpSection): SectionIssue[] {
  const issues: SectionIssue[] = [];
  if (!v.project)
    issues.push({
      path: ["project"],
      message: "Give the project id",
      warning: "no project id: it is taken from Application Default Credentials",
    });
  const problem = v["service-account"] ? serviceAccountProblem(v["service-account"]) : null;
  if (problem) issues.push({ path: ["service-account"], message: problem, warning: problem });
  return issues;
}

export const gcpCredentials = { "service-account": "service-account key" };

export const gcpDestinations = {
  "endpoint-override": "endpoint",
  project: "project",
  "ca-certificate": "CA certificate",
  "iam-endpoint-override": "IAM Credentials endpoint",
};

export const gcpHost = (v: GcpSection): string =>
  v["endpoint-override"] ? new URL(v["endpoint-override"]).host : "secretmanager.googleapis.com";

export function gcpIdentity(v: GcpSection): Identity {
  if (v["service-account"] && v["impersonate-service-account"])
    return {
      kind: "configured",
      label: `the service-account key below, impersonating ${v["impersonate-service-account"]}`,
    };
  if (v["service-account"]) return { kind: "configured", label: "the service-account key below" };
  // A plaintext channel (test servers) carries no call credentials at all.
  if (v["endpoint-override"]?.startsWith("http://"))
    return { kind: "none", label: "no credentials (plaintext endpoint)" };
  return { kind: "ambient", label: "the server's own Google identity (application default credentials)" };
}
