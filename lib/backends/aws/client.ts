import "server-only";
import { createHash } from "node:crypto";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { EgressPolicy } from "../../net/egress";
import { egressAgents } from "../../net/egress-agent";
import type { AwsSection } from "./config";
import { nonJsonErrors, unparsableAnswers } from "./non-json-errors";
import { roleCredentials } from "./assume-role";

/** What decides a role session: a client for one tenant's role is never another tenant's. */
const roleKey = (section: AwsSection, tenant: string | null) =>
  section["role-arn"]
    ? [
        section["role-arn"],
        section["external-id"],
        section["session-name"],
        section.duration,
        section["web-identity-token-file"],
        section["sts-endpoint-override"],
        tenant,
      ]
    : null;

/** One retry at most: a dead endpoint or a refused credential must fail fast, not after the SDK's 3 attempts with backoff. */
const MAX_ATTEMPTS = 2;
const MAX_CONNECT_MS = 5_000;
const MAX_CLIENTS = 32;

// Clients are reused per configuration: each holds a keep-alive agent (and memoised default-chain credentials).
const holder = globalThis as unknown as { __keyholdAwsClients?: Map<string, SecretsManagerClient> };
const clients = (holder.__keyholdAwsClients ??= new Map());
// Which policy object a client's agents enforce (a policy rebuilt with the same rules has the same id).
const policies = new WeakMap<SecretsManagerClient, EgressPolicy | undefined>();

type RetryStrategyLike = {
  mode?: string;
  acquireInitialRetryToken?: (scope: string) => Promise<unknown>;
  refreshRetryTokenForRetry?: (token: unknown, info: { errorType?: string; error?: unknown }) => Promise<unknown>;
  recordSuccess?: (token: unknown) => void;
};

/**
 * Throttling is ridden out by Keyhold's own retries (lib/backends/retry.ts), which know the call's time budget and
 * resume a list at its page; the SDK's strategy keeps retrying transient failures only (its wait is not ours to bound).
 */
function withoutThrottlingRetries(client: SecretsManagerClient): void {
  const config = client.config as unknown as { retryStrategy: () => Promise<RetryStrategyLike> };
  const standard = config.retryStrategy;
  config.retryStrategy = async () => {
    const s = await standard();
    if (typeof s.refreshRetryTokenForRetry !== "function") return s;
    return {
      mode: s.mode,
      acquireInitialRetryToken: (scope: string) => s.acquireInitialRetryToken!(scope),
      refreshRetryTokenForRetry: (token: unknown, info: { errorType?: string; error?: unknown }) =>
        info.errorType === "THROTTLING" ? Promise.reject(info.error) : s.refreshRetryTokenForRetry!(token, info),
      recordSuccess: (token: unknown) => s.recordSuccess!(token),
    };
  };
}

/**
 * The SDK client for a configuration. Without keys in the document the SDK's default provider chain
 * is used (environment, shared files, SSO, web identity, container or instance role); without a
 * region, AWS_REGION or the shared config file's.
 */
export function awsClient(
  section: AwsSection,
  requestTimeoutMs: number,
  egress?: EgressPolicy,
  tenant: string | null = null,
): SecretsManagerClient {
  const keys =
    section["access-key-id"] && section["secret-key-id"]
      ? {
          accessKeyId: section["access-key-id"],
          secretAccessKey: section["secret-key-id"],
          ...(section["session-token"] ? { sessionToken: section["session-token"] } : {}),
        }
      : undefined;
  // The policy is part of the key: a trusted client must never serve a dedicated manager, nor one policy's client another's.
  const id = createHash("sha256")
    .update(
      JSON.stringify([
        section.region,
        section["endpoint-override"],
        keys,
        requestTimeoutMs,
        egress?.id ?? "trusted",
        roleKey(section, tenant),
      ]),
    )
    .digest("hex");
  const cached = clients.get(id);
  clients.delete(id);
  if (cached && policies.get(cached) === egress) {
    clients.set(id, cached);
    return cached;
  }
  cached?.destroy();
  const agents = egress ? egressAgents(egress) : null;
  const client = new SecretsManagerClient({
    region: section.region,
    endpoint: section["endpoint-override"],
    // A role: its sessions (from the keys, a web identity token, or the server's identity where allowed) sign the calls.
    credentials: section["role-arn"] ? roleCredentials(section, { tenant, requestTimeoutMs, egress }) : keys,
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: Math.min(requestTimeoutMs, MAX_CONNECT_MS),
      requestTimeout: requestTimeoutMs,
      throwOnRequestTimeout: true,
      // Every connection (the SDK follows no redirects) goes to an address the policy checked, without a second lookup.
      ...(agents ? { httpAgent: agents.http, httpsAgent: agents.https } : {}),
    },
  });
  policies.set(client, egress);
  withoutThrottlingRetries(client);
  client.middlewareStack.addRelativeTo(nonJsonErrors, {
    relation: "after",
    toMiddleware: "deserializerMiddleware",
    name: "keyholdNonJsonErrors",
  });
  client.middlewareStack.addRelativeTo(unparsableAnswers, {
    relation: "before",
    toMiddleware: "deserializerMiddleware",
    name: "keyholdUnparsableAnswers",
  });
  clients.set(id, client);
  if (clients.size > MAX_CLIENTS) {
    const [oldest, old] = clients.entries().next().value as [string, SecretsManagerClient];
    clients.delete(oldest);
    old.destroy();
  }
  return client;
}
