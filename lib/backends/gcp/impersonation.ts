import "server-only";
import { Impersonated, JWT, type JWTOptions } from "google-auth-library";
import { findEgressRefusal, type EgressPolicy } from "../../net/egress";
import { egressAgents } from "../../net/egress-agent";
import { BackendError, backendMessage } from "../backend-error";
import type { GcpSection } from "./config";

// Service-account impersonation: the configured key asks IAM Credentials (generateAccessToken) for short-lived tokens
// of another service account, optionally through a chain of delegates.

export const IAM_CREDENTIALS_ENDPOINT = "https://iamcredentials.googleapis.com";
/** Each impersonated token lives an hour (the longest generateAccessToken gives without an organisation policy). */
const LIFETIME_S = 3600;

/**
 * The key's own signed JWT with the scope in it (AIP-4111) as its access token: the source never calls Google's OAuth
 * token endpoint, so the IAM Credentials call is the only request, and it goes where the settings say.
 */
class SelfSignedJwt extends JWT {
  async getAccessToken(): Promise<{ token?: string | null }> {
    const { headers } = await this.getRequestMetadataAsync(null);
    return { token: headers.get("authorization")?.replace(/^Bearer /, "") ?? null };
  }
}

interface Key {
  client_email: string;
  private_key: string;
  private_key_id?: string;
}

/** The impersonated credentials of a section whose key impersonates another service account. */
export function impersonatedClient(
  section: GcpSection,
  key: Key,
  scopes: string[],
  universeDomain: string,
  egress?: EgressPolicy,
): Impersonated {
  const agents = egress ? egressAgents(egress) : null;
  // Dedicated managers: the IAM Credentials call connects only to addresses the egress policy checked, with no proxy.
  const transporterOptions = agents
    ? { agent: (url: URL) => (url.protocol === "https:" ? agents.https : agents.http) }
    : undefined;
  const options: JWTOptions = {
    email: key.client_email,
    key: key.private_key,
    keyId: key.private_key_id,
    scopes,
    universeDomain,
    ...(transporterOptions ? { transporterOptions } : {}),
  };
  const source = new SelfSignedJwt(options);
  // Not a constructor option: GoogleAuth sets it the same way.
  source.useJWTAccessWithScope = true;
  return new Impersonated({
    sourceClient: source,
    targetPrincipal: section["impersonate-service-account"],
    targetScopes: scopes,
    delegates: section.delegates ?? [],
    lifetime: LIFETIME_S,
    endpoint: (section["iam-endpoint-override"] ?? IAM_CREDENTIALS_ENDPOINT).replace(/\/+$/, ""),
    universeDomain,
  });
}

/**
 * Asks for one impersonated token (verify does, so that a plaintext test endpoint, which carries no credentials,
 * still proves the impersonation): IAM Credentials' refusal becomes `unauthenticated` or `forbidden` in Keyhold's words.
 */
export async function checkImpersonation(auth: { getAccessToken(): Promise<unknown> }, section: GcpSection) {
  try {
    await auth.getAccessToken();
  } catch (error) {
    if (error instanceof BackendError || findEgressRefusal(error)) throw error;
    const e = error as { status?: number; response?: { status?: number }; message?: string };
    const status = e.status ?? e.response?.status;
    if (status === 401 || status === 403 || status === 404 || status === 400)
      throw new BackendError(
        status === 403 ? "forbidden" : status === 404 || status === 400 ? "invalid-config" : "unauthenticated",
        backendMessage(
          `Impersonating ${section["impersonate-service-account"]} was refused by IAM Credentials (HTTP ${status}): `,
          String(e.message ?? ""),
        ),
      );
    throw error;
  }
}
