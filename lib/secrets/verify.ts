import "server-only";
import { Prisma, type PrismaClient } from "../db/generated/client";
import { VerifyStatus } from "../db/generated/enums";
import { createBackend } from "../backends/registry";
import { isBackendError } from "../backends/backend-error";
import type { SecretsBackend } from "../backends/adapter";
import { explainVerify } from "../backends/verify-codes";
import { capabilityReportSchema, type CapabilityReport } from "../backends/capabilities";
import { backendLabel, type BackendType } from "../backends/descriptors";
import { hostOf, identityOf } from "../backends/destination";
import { reserve } from "../auth/rate-limit";
import { KeyholdError } from "../errors";
import { documentWithKeptCredentials } from "../managers/config-store";
import { identityRefusal } from "../managers/credential-binding";
import { tenantBoundaryErrors } from "../managers/tenant-boundary";
import { instanceEgressPolicy } from "../net/egress-settings";
import type { ResolvedScope } from "../managers/scope";
import type { TenantRef } from "../tenancy/tenant-ref";
import { databaseBackends, type ServingBackends } from "./serving";
import { describeSource } from "./effective-backend";
import { recordAudit, type AuditDetails } from "../audit/record";

export interface VerifyOutcome {
  status: string;
  ok: boolean;
  latencyMs: number | null;
  checked: string | null;
  /** The backend's own message, scrubbed and truncated. */
  message: string | null;
  explanation: string;
  backendLabel: string;
  at: string;
  /** What the credential can do, operation by operation; null when verify failed before the table. */
  capabilities: CapabilityReport | null;
}

const DB_STATUS: Record<string, VerifyStatus> = {
  ok: VerifyStatus.OK,
  unreachable: VerifyStatus.UNREACHABLE,
  tls: VerifyStatus.TLS,
  unauthenticated: VerifyStatus.UNAUTHENTICATED,
  forbidden: VerifyStatus.FORBIDDEN,
  "not-found": VerifyStatus.NOT_FOUND,
  "invalid-config": VerifyStatus.INVALID_CONFIG,
  timeout: VerifyStatus.TIMEOUT,
  throttled: VerifyStatus.THROTTLED,
  "invalid-response": VerifyStatus.INVALID_RESPONSE,
  "too-many-secrets": VerifyStatus.TOO_MANY_SECRETS,
};

/** The table in the audit entry: each operation's outcome, no details. */
const capabilityAudit = (report: CapabilityReport | null) =>
  report ? { capabilities: Object.fromEntries(report.rows.map((r) => [r.operation, r.outcome])) } : {};

async function run(backend: () => Promise<SecretsBackend>, label: string): Promise<VerifyOutcome> {
  const at = new Date().toISOString();
  try {
    const result = await (await backend()).verify();
    return {
      status: "ok",
      ok: true,
      latencyMs: result.latencyMs,
      checked: result.checked,
      message: null,
      explanation: explainVerify("ok"),
      backendLabel: label,
      at,
      // Parsed: only operation names, outcomes and words about them leave the adapter.
      capabilities: result.capabilities ? capabilityReportSchema.parse(result.capabilities) : null,
    };
  } catch (error) {
    const code = isBackendError(error) ? error.code : "unreachable";
    const message = isBackendError(error) ? error.message : "The backend could not be reached.";
    return {
      status: code,
      ok: false,
      latencyMs: null,
      checked: null,
      message,
      explanation: explainVerify(code),
      backendLabel: label,
      at,
      capabilities: null,
    };
  }
}

/** Verifies the backend that serves a namespace (or the tenant) now, and records the result on its configuration. */
export async function verifyServing(
  prisma: PrismaClient,
  tenant: TenantRef,
  namespace: string | null,
  actor: string,
  serving: ServingBackends = databaseBackends(prisma),
): Promise<VerifyOutcome> {
  const effective = (await serving.effective(tenant, [namespace])).get(namespace)!;
  const outcome = await run(
    () => serving.open(tenant, effective),
    `${backendLabel(effective.type as BackendType)} (${describeSource(effective.source)})`,
  );
  if (effective.configId) {
    await prisma.secretsManagerConfig.updateMany({
      where: { id: effective.configId, tenantId: tenant.id },
      data: {
        lastVerifiedAt: new Date(outcome.at),
        lastVerifyStatus: DB_STATUS[outcome.status] ?? VerifyStatus.UNREACHABLE,
        lastVerifyMessage: outcome.message?.slice(0, 500) ?? null,
        lastVerifyLatency: outcome.latencyMs,
        lastVerifyCapabilities: outcome.capabilities ?? Prisma.DbNull,
      },
    });
  }
  await recordAudit(prisma, {
    tenantId: tenant.id,
    namespace,
    actor,
    action: "config.verified",
    outcome: outcome.ok ? "success" : "failure",
    details: {
      status: outcome.status,
      backend: effective.type,
      source: effective.source.kind,
      ...capabilityAudit(outcome.capabilities),
    },
  });
  return outcome;
}

const invalidConfig = (
  message: string,
  fieldErrors?: Record<string, string>,
): VerifyOutcome & { fieldErrors?: Record<string, string> } => ({
  status: "invalid-config",
  ok: false,
  latencyMs: null,
  checked: null,
  message,
  explanation: explainVerify("invalid-config"),
  backendLabel: "",
  at: new Date().toISOString(),
  capabilities: null,
  ...(fieldErrors ? { fieldErrors } : {}),
});

/** Verifying an unsaved form reaches an address the caller chose: limited per user. */
export const VERIFY_FORM_LIMIT = { limit: 30, windowMs: 60_000 };

export interface FormVerifier {
  actor: string;
  /** Only instance administrators may try a configuration that uses the server's own identity (where the instance allows it). */
  instanceAdmin: boolean;
}

/**
 * Verifies what a settings form holds, saved or not: nothing is stored but the audit entry (who, which scope, which
 * host, which identity, the outcome). A kept credential whose destination changed is refused before any network call.
 */
export async function verifyForm(
  prisma: PrismaClient,
  tenant: TenantRef,
  scope: ResolvedScope,
  document: unknown,
  keepCredentials: string[],
  who: FormVerifier,
): Promise<VerifyOutcome & { fieldErrors?: Record<string, string> }> {
  const limit = await reserve(prisma, { bucket: `verify-form:${who.actor}`, ...VERIFY_FORM_LIMIT });
  if (!limit.allowed) {
    const seconds = Math.max(1, Math.ceil(limit.retryAfterMs / 1000));
    throw new KeyholdError(
      "rate-limited",
      `Too many verifications: at most ${VERIFY_FORM_LIMIT.limit} a minute. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`,
    );
  }
  const audit = (outcome: "success" | "failure", details: AuditDetails["config.verify-form"]) =>
    recordAudit(prisma, {
      tenantId: tenant.id,
      namespace: scope.namespace,
      actor: who.actor,
      action: "config.verify-form",
      outcome,
      details,
    });
  let parsed: Awaited<ReturnType<typeof documentWithKeptCredentials>>["parsed"];
  try {
    ({ parsed } = await documentWithKeptCredentials(prisma, scope, document, keepCredentials));
  } catch (error) {
    if (error instanceof KeyholdError)
      await audit("failure", { status: error.code, reason: "credentials kept for another destination" });
    throw error;
  }
  if (!parsed.ok) {
    await audit("failure", { status: "invalid-config", fields: parsed.errors.map((e) => e.path).slice(0, 20) });
    return invalidConfig(
      "Fix the highlighted fields first.",
      Object.fromEntries(parsed.errors.map((e) => [e.path || "_", e.message])),
    );
  }
  const doc = parsed.document;
  const details = { backend: doc.type, host: hostOf(doc), identity: identityOf(doc).kind };
  const refusal = identityRefusal(doc, who.instanceAdmin);
  if (refusal) {
    await audit("failure", { ...details, status: "invalid-config" });
    return invalidConfig(refusal);
  }
  const outside = tenantBoundaryErrors(doc, tenant.slug);
  if (outside) {
    await audit("failure", { ...details, status: "invalid-config" });
    return invalidConfig("The configuration names what this tenant may not use.", outside);
  }
  const outcome = await run(
    async () =>
      createBackend({
        document: doc,
        attachment: { tenant: tenant.slug, namespace: scope.namespace },
        egress: instanceEgressPolicy(),
      }),
    backendLabel(doc.type),
  );
  await audit(outcome.ok ? "success" : "failure", {
    ...details,
    status: outcome.status,
    ...capabilityAudit(outcome.capabilities),
  });
  return outcome;
}
