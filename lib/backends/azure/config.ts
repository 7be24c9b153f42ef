import { z } from "zod";
import {
  caCertificate,
  cloudCommon,
  flag,
  optionalText,
  optionalUrl,
  text,
  type Identity,
  type SectionIssue,
} from "../config-fields";

const guid = z
  .string()
  .trim()
  .regex(
    /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$|^[A-Za-z0-9.-]{1,253}$/,
    "A GUID or a directory domain name",
  );

export const azureSection = z
  .strictObject({
    "vault-name": optionalText(24).pipe(
      z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$/, "3-24 letters, digits and dashes, starting with a letter")
        .optional(),
    ),
    "key-vault-uri": optionalUrl,
    clientSecret: z
      .strictObject({
        tenantId: guid,
        clientId: text(128),
        clientSecret: text(1024),
      })
      .optional(),
    /** The server's managed identity (system-assigned, or a user-assigned one by client id): the server's own identity. */
    managedIdentity: z
      .preprocess(
        (v) =>
          v && typeof v === "object" && !Array.isArray(v) && !("kind" in v)
            ? { ...v, kind: (v as { clientId?: unknown }).clientId ? "user-assigned" : "system" }
            : v,
        z
          .strictObject({
            kind: z.enum(["system", "user-assigned"], { error: "system or user-assigned" }),
            clientId: optionalText(128),
          })
          .superRefine((v, ctx) => {
            if (v.kind === "user-assigned" && !v.clientId)
              ctx.addIssue({
                code: "custom",
                path: ["clientId"],
                message: "Give the user-assigned identity's client id",
              });
            if (v.kind === "system" && v.clientId)
              ctx.addIssue({
                code: "custom",
                path: ["clientId"],
                message: "A system-assigned identity has no client id",
              });
          }),
      )
      .optional(),
    /** Workload identity federation: a federated token (a file the server reads at each token request) for an app. */
    workloadIdentity: z
      .strictObject({
        tenantId: guid,
        clientId: text(128),
        tokenFile: text(1024),
      })
      .optional(),
    /** Azure AD authority for sovereign clouds or Azure Stack, e.g. https://login.microsoftonline.us. */
    "authority-host": optionalUrl,
    "ca-certificate": caCertificate,
    /** For vaults whose challenge names another resource (private clouds, emulators). */
    "disable-challenge-resource-verification": flag(false),
    ...cloudCommon,
  })
  .superRefine((v, ctx) => {
    const methods = (["clientSecret", "managedIdentity", "workloadIdentity"] as const).filter((m) => v[m]);
    if (methods.length > 1)
      ctx.addIssue({
        code: "custom",
        path: [methods[1]],
        message: `Choose one auth method, not ${methods.join(" and ")}`,
      });
    if (v["vault-name"] && v["key-vault-uri"]) {
      ctx.addIssue({
        code: "custom",
        path: ["vault-name"],
        message: "Give either the vault name or the vault URI, not both",
      });
    }
  });

export type AzureSection = z.infer<typeof azureSection>;

/** The seed's snippets name no vault: they load with a warning, and forms require one. */
export function azureIncomplete(v: AzureSection): SectionIssue[] {
  return v["vault-name"] || v["key-vault-uri"]
    ? []
    : [
        {
          path: ["vault-name"],
          message: "Give either the vault name or the vault URI",
          warning: "no vault name or vault URI: the backend cannot connect until one is given",
        },
      ];
}

export const azureCredentials = {
  "clientSecret.clientSecret": "client secret",
  // A path makes the server send one of its files' content: bound to the authority like a secret.
  "workloadIdentity.tokenFile": "token file",
};

/** Credential paths that name a file on the server (checked against KEYHOLD_TOKEN_FILE_DIRS). */
export const azureTokenFiles = ["workloadIdentity.tokenFile"];

export const azureDestinations = {
  "key-vault-uri": "vault URI",
  "vault-name": "vault name",
  "authority-host": "authority host",
  "clientSecret.tenantId": "directory (tenant) id",
  "workloadIdentity.tenantId": "directory (tenant) id",
  "ca-certificate": "CA certificate",
};

export const azureHost = (v: AzureSection): string =>
  v["key-vault-uri"] ? new URL(v["key-vault-uri"]).host : `${v["vault-name"] ?? "(no vault)"}.vault.azure.net`;

export function azureIdentity(v: AzureSection): Identity {
  if (v.clientSecret) return { kind: "configured", label: "the client secret below" };
  if (v.workloadIdentity)
    return { kind: "configured", label: "the federated token in the token file below (workload identity)" };
  if (v.managedIdentity)
    return {
      kind: "ambient",
      label:
        v.managedIdentity.kind === "system"
          ? "the server's own system-assigned managed identity"
          : `the server's user-assigned managed identity ${v.managedIdentity.clientId}`,
    };
  return {
    kind: "ambient",
    label: "the server's own Azure identity (DefaultAzureCredential: environment, workload or managed identity)",
  };
}
