import { z } from "zod";
import { caCertificate, optionalText, text, url, type Identity } from "../config-fields";

const pathSegment = z
  .string()
  .trim()
  .max(255)
  .regex(
    /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/,
    "Path segments of letters, digits, '.', '_' and '-', separated by '/'",
  )
  // "." and ".." would be normalised away in the request URL and reach another engine or path.
  .refine((v) => !v.split("/").some((s) => s === "." || s === ".."), "Path segments cannot be '.' or '..'");

const VAULT_AUTH_METHODS = ["token", "password", "app-role", "jwt", "kubernetes"] as const;

export const vaultSection = z
  .strictObject({
    address: url,
    "root-engine": pathSegment.default("secret"),
    "secret-path-prefix": z.preprocess((v) => (v === "" ? undefined : v), pathSegment.optional()),
    namespace: z.preprocess((v) => (v === "" ? undefined : v), pathSegment.optional()),
    "ca-certificate": caCertificate,
    "engine-version": z
      .preprocess(
        (v) => (v === "1" || v === "2" ? Number(v) : v),
        z.union([z.literal(1), z.literal(2)], { error: "1 or 2" }),
      )
      .default(2),
    token: z.strictObject({ token: text(4096) }).optional(),
    password: z.strictObject({ user: text(255), password: text(1024) }).optional(),
    "app-role": z
      .strictObject({
        path: pathSegment.default("approle"),
        "role-id": text(255),
        "secret-id": text(1024),
      })
      .optional(),
    /** JWT/OIDC role login: a JWT given here, or read from a token file at each login. */
    jwt: z
      .strictObject({
        path: pathSegment.default("jwt"),
        role: text(255),
        token: optionalText(16384),
        "token-file": optionalText(1024),
      })
      .superRefine((v, ctx) => {
        if (!!v.token === !!v["token-file"])
          ctx.addIssue({
            code: "custom",
            path: ["token"],
            message: "Give either the JWT or the token file it is read from",
          });
      })
      .optional(),
    /** Kubernetes auth: a service account token file; without one, the server's own service account (its identity). */
    kubernetes: z
      .strictObject({
        path: pathSegment.default("kubernetes"),
        role: text(255),
        "token-file": optionalText(1024),
      })
      .optional(),
  })
  .superRefine((v, ctx) => {
    const methods = VAULT_AUTH_METHODS.filter((m) => v[m]);
    if (methods.length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["token"],
        message: methods.length
          ? `Choose one auth method, not ${methods.join(" and ")}`
          : "Choose an auth method: token, password (userpass), app-role, jwt or kubernetes",
      });
    }
  });

/** Where a pod's own service account token is: using it is using the server's identity. */
export const KUBERNETES_SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

export type VaultSection = z.infer<typeof vaultSection>;

/** Credential paths inside the section, each with the word a form uses for it. */
export const vaultCredentials = {
  "token.token": "token",
  "password.password": "password",
  "app-role.secret-id": "secret id",
  "jwt.token": "JWT",
  // A token file path is a credential too: it makes the server send one of its files' content, so it is bound to the address.
  "jwt.token-file": "token file",
  "kubernetes.token-file": "token file",
};

/** Credential paths that name a file on the server (checked against KEYHOLD_TOKEN_FILE_DIRS). */
export const vaultTokenFiles = ["jwt.token-file", "kubernetes.token-file"];

/** What decides where a credential goes or what it unlocks: changing one requires entering the credential again. */
export const vaultDestinations = {
  address: "address",
  namespace: "namespace",
  "app-role.path": "auth mount path",
  "jwt.path": "auth mount path",
  "kubernetes.path": "auth mount path",
  "ca-certificate": "CA certificate",
};

/** Where credentials go, for audit entries: the host (and port) of the address. */
export const vaultHost = (v: VaultSection): string => new URL(v.address).host;

/** Vault always authenticates with what the configuration holds: node-vault's environment fallbacks are pinned off. */
export function vaultIdentity(v: VaultSection): Identity {
  if (v.password) return { kind: "configured", label: "the userpass login below" };
  if (v["app-role"]) return { kind: "configured", label: "the AppRole below" };
  if (v.jwt) return { kind: "configured", label: `the JWT ${v.jwt.token ? "below" : "in the token file below"}` };
  if (v.kubernetes)
    return v.kubernetes["token-file"]
      ? { kind: "configured", label: "the Kubernetes service account token in the token file below" }
      : { kind: "ambient", label: "the server's own Kubernetes service account token" };
  return { kind: "configured", label: "the token below" };
}
