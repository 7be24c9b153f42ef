import "server-only";
import { createHash } from "node:crypto";
import { rootCertificates } from "node:tls";
import {
  ClientAssertionCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  type ClientSecretCredentialOptions,
  type TokenCredential,
} from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import type { EgressPolicy } from "../../net/egress";
import { egressAgents, type EgressAgents } from "../../net/egress-agent";
import { readTokenFile } from "../../net/token-files";
import { BackendError } from "../backend-error";
import type { AzureSection } from "./config";
import { throttlePolicy } from "./throttle-policy";

/** What the driver works with: the SDK client, plus the last network failure seen on the way to Entra ID. */
export interface AzureClients {
  client: SecretClient;
  vaultUrl: string;
  /** "client secret of app X (tenant T)" or "DefaultAzureCredential", for verify's answer. */
  identity: string;
  authorityHost: string;
  /** `refusal`: the token file policy refused the federated token, which the SDK would report as a sign-in failure. */
  authority: { failure: unknown; refusal?: BackendError };
  /** The policy its connections pass; undefined: trusted (the configuration file's backend). */
  egress?: EgressPolicy;
}

type TlsSettings = { ca: string[] };
type PipelinePolicy = NonNullable<ClientSecretCredentialOptions["additionalPolicies"]>[number]["policy"];

// Vault and authority calls fail fast on a dead endpoint; the generic layer owns the overall deadline.
const RETRY = { maxRetries: 1, retryDelayInMs: 300, maxRetryDelayInMs: 1_000 };
const MAX_CACHED = 64;

// The HTTP client keeps one connection pool per TLS settings object, so identical CA settings share one.
const tlsByPem = new Map<string, TlsSettings>();
// Credentials cache their tokens: reusing them spares one Entra ID round trip per request.
const cache = new Map<string, AzureClients>();

/** The vault's URL from `key-vault-uri`, or the public cloud's URL for `vault-name`. */
export function vaultUrlOf(section: AzureSection): string {
  if (section["key-vault-uri"]) return section["key-vault-uri"].replace(/\/+$/, "");
  if (section["vault-name"]) return `https://${section["vault-name"]}.vault.azure.net`;
  throw new BackendError(
    "invalid-config",
    "Give either the vault name or the vault URI; without one the backend cannot connect.",
  );
}

function tlsOf(pem: string | undefined): TlsSettings | undefined {
  if (!pem) return undefined;
  let settings = tlsByPem.get(pem);
  if (!settings) {
    // Added to the public roots, not instead of them: login.microsoftonline.com keeps its public certificate.
    settings = { ca: [...rootCertificates, pem] };
    if (tlsByPem.size >= MAX_CACHED) tlsByPem.clear();
    tlsByPem.set(pem, settings);
  }
  return settings;
}

/** Bounds each token request and remembers why the last one could not reach the authority. */
function authorityPolicy(timeoutMs: number, authority: { failure: unknown }): PipelinePolicy {
  return {
    name: "keyholdAuthorityPolicy",
    async sendRequest(request, next) {
      request.timeout = timeoutMs;
      try {
        const response = await next(request);
        authority.failure = undefined;
        return response;
      } catch (error) {
        authority.failure = error;
        throw error;
      }
    },
  };
}

/**
 * Puts the egress agents on every request, last before the socket (after the proxy policy, on each retry
 * and redirect), so that both the vault and the Entra ID authority are reached only at checked addresses.
 * The agents carry the CA: with an agent set, the pipeline's own TLS settings are not used.
 */
function egressPolicy(agents: EgressAgents): PipelinePolicy {
  return {
    name: "keyholdEgressPolicy",
    sendRequest(request, next) {
      request.agent = new URL(request.url).protocol === "https:" ? agents.https : agents.http;
      request.proxySettings = undefined;
      return next(request);
    },
  };
}

function build(
  section: AzureSection,
  timeoutMs: number,
  egress?: EgressPolicy,
  tenant: string | null = null,
): AzureClients {
  const vaultUrl = vaultUrlOf(section);
  const tlsOptions = tlsOf(section["ca-certificate"]);
  const authority: AzureClients["authority"] = { failure: undefined };
  const authorityHost = section["authority-host"]?.replace(/\/+$/, "");
  const pinned = egress
    ? [{ policy: egressPolicy(egressAgents(egress, tlsOptions ?? {})), position: "perRetry" as const }]
    : [];
  // Dedicated managers follow no redirect: a credential goes to the address it was saved for only.
  const redirects = egress ? { redirectOptions: { maxRetries: 0 } } : {};
  const credentialOptions: ClientSecretCredentialOptions = {
    authorityHost,
    // Instance discovery asks login.microsoftonline.com to vouch for the authority; a configured host is trusted as given.
    disableInstanceDiscovery: !!authorityHost,
    tlsOptions,
    retryOptions: RETRY,
    ...redirects,
    additionalPolicies: [{ policy: authorityPolicy(timeoutMs, authority), position: "perCall" }, ...pinned],
  };
  const secret = section.clientSecret;
  const workload = section.workloadIdentity;
  const managed = section.managedIdentity;
  const credential: TokenCredential = secret
    ? new ClientSecretCredential(secret.tenantId, secret.clientId, secret.clientSecret, credentialOptions)
    : workload
      ? // The assertion is read through the token file policy at each token request, not by the library's own file read.
        new ClientAssertionCredential(
          workload.tenantId,
          workload.clientId,
          () =>
            readTokenFile(workload.tokenFile, { egress, attachment: { tenant } }).then(
              (token) => ((authority.refusal = undefined), token),
              (error: unknown) => {
                if (error instanceof BackendError) authority.refusal = error;
                throw error;
              },
            ),
          credentialOptions,
        )
      : managed
        ? // The server's own endpoint (IDENTITY_ENDPOINT, or IMDS): the identity rule allowed it, so no egress agents.
          new ManagedIdentityCredential({
            ...(managed.clientId ? { clientId: managed.clientId } : {}),
            retryOptions: RETRY,
            additionalPolicies: [{ policy: authorityPolicy(timeoutMs, authority), position: "perCall" }],
          })
        : new DefaultAzureCredential(credentialOptions);
  const client = new SecretClient(vaultUrl, credential, {
    disableChallengeResourceVerification: section["disable-challenge-resource-verification"],
    tlsOptions,
    retryOptions: RETRY,
    ...redirects,
    // Throttling is retried per request, inside the call's budget (a listing resumes at the throttled page).
    additionalPolicies: [{ policy: throttlePolicy(timeoutMs), position: "perRetry" }, ...pinned],
  });
  return {
    client,
    vaultUrl,
    identity: secret
      ? `the client secret of app ${secret.clientId} (tenant ${secret.tenantId})`
      : workload
        ? `the workload identity of app ${workload.clientId} (tenant ${workload.tenantId})`
        : managed
          ? `the ${managed.clientId ? `user-assigned managed identity ${managed.clientId}` : "system-assigned managed identity"}`
          : "DefaultAzureCredential",
    authorityHost: authorityHost ?? "https://login.microsoftonline.com",
    authority,
    egress,
  };
}

/** The SDK clients for a section, shared by every backend built from the same settings and credentials. */
export function azureClients(
  section: AzureSection,
  timeoutMs: number,
  egress?: EgressPolicy,
  tenant: string | null = null,
): AzureClients {
  const key = createHash("sha256")
    .update(JSON.stringify([section, timeoutMs, egress?.id ?? "trusted", tenant]))
    .digest("hex");
  let clients = cache.get(key);
  if (!clients || clients.egress !== egress) {
    clients = build(section, timeoutMs, egress, tenant);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(key, clients);
  }
  return clients;
}
