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
    /** Azure AD authority for sovereign clouds or Azure Stack, e.g. https://login.microsoftonline.us. */
    "authority-host": optionalUrl,
    "ca-certificate": caCertificate,
    /** For vaults whose challenge names another resource (private clouds, emulators). */
    "disable-challenge-resource-verification": flag(false),
    ...cloudCommon,
  })
  .superRefine((v, ctx) => {
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

export const azureCredentials = { "clientSecret.clientSecret": "client secret" };

export const azureDestinations = {
  "key-vault-uri": "vault URI",
  "vault-name": "vault name",
  "authority-host": "authority host",
  "clientSecret.tenantId": "directory (tenant) id",
  "ca-certificate": "CA certificate",
};

export const azureHost = (v: AzureSection): string =>
  v["key-vault-uri"] ? new URL(v["key-vault-uri"]).host : `${v["vault-name"] ?? "(no vault)"}.vault.azure.net`;

export function azureIdentity(v: AzureSection): Identity {
  if (v.clientSecret) return { kind: "configured", label: "the client secret below" };
  return {
    kind: "ambient",
    label: "the server's own Azure identity (DefaultAzureCredential: environment, workload or managed identity)",
  };
}
