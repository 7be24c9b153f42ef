import "server-only";
import type { BackendType } from "../backends/descriptors";

/**
 * Every audit action Keyhold records, with the shape of its details. Details hold names, counts and
 * non-secret values only: a credential is "replaced", a secret's value "replaced" or "unchanged", so a
 * value or credential cannot be typed into an entry. The audit page and the tests read these names.
 */
export interface AuditDetails {
  "tenant.created": { slug: string; displayName: string };
  "namespace.created": { created: string[] };
  "user.created": { email: string } | { email: string; role: "instance-admin"; via: "setup-page" | "environment" };
  "user.removed": { email: string; roles: number };
  "role.granted": { email: string; role: string };
  "role.revoked": { email: string; role: string };
  "auth.sign-in": { address: string };
  "auth.sign-out": Record<string, never>;
  "auth.sign-out-everywhere": Record<string, never>;
  "config.created": ConfigChange;
  "config.updated": ConfigChange;
  "config.read-only-toggled": ConfigChange;
  "config.credentials-replaced": ConfigChange;
  "config.disabled": { switch?: SwitchCounts };
  "config.verified": { status: string; backend: BackendType; source: string; capabilities?: CapabilityOutcomes };
  "config.verify-form":
    | { status: string; reason: string }
    | { status: string; fields: string[] }
    | {
        status: string;
        backend: BackendType;
        host: string | null;
        identity: string;
        capabilities?: CapabilityOutcomes;
      };
  "secret.created": { key: string; tags: string[]; backend: BackendType };
  "secret.updated": { key: string; value: "replaced" | "unchanged"; tags: string[]; backend: BackendType };
  "secret.deleted": { key: string; backend: BackendType };
  "secret.recovered": { key: string; backend: BackendType };
  "secret.purged": { key: string; backend: BackendType };
  "api-token.created": { name: string; user: string; role: string; namespace: string | null; expiresAt: string };
  "api-token.revoked": { name: string };
  /** A REST API plan of a tenant file (lib/api/v1/config-as-code-routes.ts): counts only. */
  "config-as-code.planned": { create: number; change: number; unchanged: number; disable: number };
  /** Every request made with a token (lib/api/v1/handler.ts): the token's name, the call and its status. */
  "api-token.used": { token: string; method: string; path: string; status: number };
  /**
   * A request the per-token rate limit refused (429, lib/api/v1/handler.ts): one entry per token and minute on each
   * instance, the first refused request's method and path, and the limit (requests a minute).
   */
  "api-token.rate-limited": { token: string; limit: number; method: string; path: string };
}

/** What a saved dedicated manager records: changed setting names, credentials only as "replaced". */
export interface ConfigChange {
  changed: string[];
  credentials: Record<string, "replaced">;
  type: BackendType;
  readOnly: boolean;
  identity: string;
  /** A change of the effective backend, confirmed after its preview (lib/secrets/switch-preview.ts): counts only. */
  switch?: SwitchCounts;
}

/** verify's capability table in an audit entry: each operation's outcome. */
export type CapabilityOutcomes = Record<string, string>;

/** What a confirmed backend switch would do to the namespace's keys, as counted by its preview. */
export interface SwitchCounts {
  /** Keys the namespace sees now. */
  current: number;
  /** Of those, how many the new backend has. */
  kept: number;
  /** How many would disappear (`secret('KEY')` would fail). */
  missing: number;
  /** Keys the new backend has that the namespace does not see now. */
  added: number;
}

export type AuditAction = keyof AuditDetails;

export type AuditOutcome = "success" | "failure" | "forbidden" | "rate-limited";

interface Scope {
  /** null: an instance-wide event (sign-in, instance administrators). */
  tenantId?: string | null;
  namespace?: string | null;
  actor: string;
}

/** One entry: an action with its own details, or a refused call (named by the guarded call, without details). */
export type AuditEntry =
  | {
      [A in AuditAction]: Scope & { action: A; outcome: Exclude<AuditOutcome, "forbidden">; details: AuditDetails[A] };
    }[AuditAction]
  | (Scope & { action: string; outcome: "forbidden"; details?: Record<string, never> });

/** The row written: the audit_event table's columns. */
export interface AuditRow {
  tenantId: string | null;
  namespace: string | null;
  actor: string;
  action: string;
  outcome: AuditOutcome;
  details: object;
}

/** A Prisma client or a transaction: anything that can create an audit event (the entry joins the caller's transaction). */
export interface AuditWriter {
  auditEvent: { create(args: { data: AuditRow }): PromiseLike<unknown> };
}

/** The row for an entry (pure: what recordAudit writes). */
export function auditRow(entry: AuditEntry): AuditRow {
  return {
    tenantId: entry.tenantId ?? null,
    namespace: entry.namespace ?? null,
    actor: entry.actor,
    action: entry.action,
    outcome: entry.outcome,
    details: entry.details ?? {},
  };
}

/** Records one audit entry with the given client, inside the caller's transaction when given one. */
export async function recordAudit(db: AuditWriter, entry: AuditEntry): Promise<void> {
  await db.auditEvent.create({ data: auditRow(entry) });
}
