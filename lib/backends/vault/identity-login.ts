import "server-only";
import { readTokenFile, type TokenFileReader } from "../../net/token-files";
import { KUBERNETES_SERVICE_ACCOUNT_TOKEN, type VaultSection } from "./config";

// The keyless Vault logins (JWT/OIDC role, Kubernetes): a token the server presents instead of a stored secret.

export type IdentityAuth =
  | { kind: "jwt"; mount: string; role: string; token?: string; file?: string }
  | { kind: "kubernetes"; mount: string; role: string; file?: string };

/** The JWT or Kubernetes method of a section, or null for the other methods. */
export function identityAuthOf(section: VaultSection): IdentityAuth | null {
  if (section.jwt) {
    const j = section.jwt;
    return { kind: "jwt", mount: j.path ?? "jwt", role: j.role, token: j.token, file: j["token-file"] };
  }
  if (section.kubernetes) {
    const k = section.kubernetes;
    return { kind: "kubernetes", mount: k.path ?? "kubernetes", role: k.role, file: k["token-file"] };
  }
  return null;
}

/**
 * The JWT to present, read afresh at each login (projected tokens rotate). A configured file must be in the
 * instance's token directories; the pod's own service account token is the server's identity, which the
 * identity rule (KEYHOLD_ALLOW_SERVER_IDENTITY and an instance administrator's approval) already allowed.
 */
export async function identityJwt(auth: IdentityAuth, reader: TokenFileReader): Promise<string> {
  if (auth.kind === "jwt" && auth.token) return auth.token;
  if (auth.file) return readTokenFile(auth.file, reader);
  return readTokenFile(KUBERNETES_SERVICE_ACCOUNT_TOKEN, { attachment: reader.attachment }, "service account token");
}

/** The login request: `auth/<mount>/login` with the role and the JWT (both methods take the same body). */
export function identityLoginRequest(auth: IdentityAuth, jwt: string): { path: string; body: Record<string, string> } {
  return {
    path: `auth/${auth.mount.split("/").map(encodeURIComponent).join("/")}/login`,
    body: { role: auth.role, jwt },
  };
}
