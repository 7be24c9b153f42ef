import "server-only";
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, STSClient, type Credentials } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { EgressPolicy } from "../../net/egress";
import { egressAgents } from "../../net/egress-agent";
import { readTokenFile } from "../../net/token-files";
import { BackendError } from "../backend-error";
import { externalIdOf, externalIdProblem, type AwsSection } from "./config";

// Role sessions: AssumeRole from the configured keys (or, where the instance allows it, the server's identity), or
// AssumeRoleWithWebIdentity with a token file. STS calls go to sts-endpoint-override when given, through the same
// egress policy as the Secrets Manager calls.

const MAX_CONNECT_MS = 5_000;
/** A session is replaced this long before it expires. */
const REFRESH_MS = 5 * 60_000;

export interface RoleContext {
  /** The tenant whose configuration this is; null: the configuration file's backend. */
  tenant: string | null;
  requestTimeoutMs: number;
  egress?: EgressPolicy;
}

/** The role session's name: the configured one, or `keyhold-<tenant>` (CloudTrail shows it). */
export function sessionNameOf(section: AwsSection, tenant: string | null): string {
  return section["session-name"] ?? `keyhold-${tenant ?? "server"}`.slice(0, 64);
}

function stsClient(section: AwsSection, ctx: RoleContext, webIdentity: boolean): STSClient {
  const keys =
    section["access-key-id"] && section["secret-key-id"]
      ? {
          accessKeyId: section["access-key-id"],
          secretAccessKey: section["secret-key-id"],
          ...(section["session-token"] ? { sessionToken: section["session-token"] } : {}),
        }
      : undefined;
  const agents = ctx.egress ? egressAgents(ctx.egress) : null;
  return new STSClient({
    region: section.region ?? "us-east-1",
    endpoint: section["sts-endpoint-override"],
    // Web identity is unsigned: no base credentials at all, so the SDK never looks for the server's own.
    credentials: webIdentity
      ? async () => {
          throw new BackendError("invalid-config", "Web identity needs no base credentials.");
        }
      : keys,
    maxAttempts: 2,
    requestHandler: {
      connectionTimeout: Math.min(ctx.requestTimeoutMs, MAX_CONNECT_MS),
      requestTimeout: ctx.requestTimeoutMs,
      throwOnRequestTimeout: true,
      ...(agents ? { httpAgent: agents.http, httpsAgent: agents.https } : {}),
    },
  });
}

function identityOf(credentials: Credentials | undefined): AwsCredentialIdentity {
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey)
    throw new BackendError("unauthenticated", "STS answered without credentials.");
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
    expiration: credentials.Expiration,
  };
}

/** STS's refusal, in Keyhold's words: the role's trust policy or the caller's permissions said no. */
function refused(error: unknown, roleArn: string): never {
  if (error instanceof BackendError) throw error;
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; message?: string };
  const status = e.$metadata?.httpStatusCode;
  if (status === 403 || status === 400 || e.name === "AccessDenied" || e.name === "InvalidIdentityToken")
    throw new BackendError(
      status === 400 && e.name !== "InvalidIdentityToken" ? "invalid-config" : "unauthenticated",
      `Assuming role ${roleArn} was refused by STS: ${String(e.message ?? e.name).slice(0, 200)}`,
    );
  throw error;
}

/**
 * A credentials provider for the configured role, renewed before each session expires. Throws `invalid-config` at
 * once when a tenant's external id could be another tenant's.
 */
export function roleCredentials(section: AwsSection, ctx: RoleContext): AwsCredentialIdentityProvider {
  const roleArn = section["role-arn"];
  if (!roleArn) throw new BackendError("invalid-config", "No role to assume.");
  const problem = externalIdProblem(section, ctx.tenant);
  if (problem) throw new BackendError("invalid-config", `${problem}.`);
  const tokenFile = section["web-identity-token-file"];
  const client = stsClient(section, ctx, !!tokenFile);
  const common = {
    RoleArn: roleArn,
    RoleSessionName: sessionNameOf(section, ctx.tenant),
    DurationSeconds: section.duration,
  };
  let current: Promise<AwsCredentialIdentity> | null = null;
  let expires = 0;
  const assume = async (): Promise<AwsCredentialIdentity> => {
    try {
      if (tokenFile) {
        const token = await readTokenFile(tokenFile, { egress: ctx.egress, attachment: { tenant: ctx.tenant } });
        const answer = await client.send(new AssumeRoleWithWebIdentityCommand({ ...common, WebIdentityToken: token }));
        return identityOf(answer.Credentials);
      }
      const answer = await client.send(
        new AssumeRoleCommand({ ...common, ExternalId: externalIdOf(section, ctx.tenant) }),
      );
      return identityOf(answer.Credentials);
    } catch (error) {
      refused(error, roleArn);
    }
  };
  return () => {
    if (!current || Date.now() > expires) {
      const attempt = assume();
      current = attempt;
      expires = Number.POSITIVE_INFINITY;
      attempt.then(
        (c) => (expires = (c.expiration?.getTime() ?? Date.now() + 15 * 60_000) - REFRESH_MS),
        () => {
          if (current === attempt) current = null;
        },
      );
    }
    return current;
  };
}
