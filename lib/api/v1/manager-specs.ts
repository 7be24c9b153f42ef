import "server-only";
import { z } from "zod";
import { isInstanceAdmin } from "../../auth/permissions";
import { credentialPathsOf } from "../../backends/document";
import { getPath, pathKeys } from "../../backends/document-path";
import { EXTERNAL_BACKEND_TYPES, type ExternalBackendType } from "../../backends/descriptors";
import type { ErrorShape } from "../../errors";
import { boundedJson } from "../../input/bounded-json";
import { loadConfigView } from "../../managers/config-store";
import { configViewSchema, type ConfigView } from "../../managers/config-view";
import { resolveScope } from "../../managers/scope";
import { capabilityReportSchema } from "../../backends/capabilities";
import { verifyForm, verifyServing } from "../../secrets/verify";
import type { GuardSpec } from "../../server/guard";
import { namespacePathSchema, tenantSlugSchema } from "../../tenancy/names";
import { saveConfirmed } from "./manager-switch";
import type { V1Route } from "./route-types";

/** The tenant's own manager (`/tenants/{tenant}/manager`) or a namespace's (`…/namespaces/{namespace}/manager`). */
type Level = "tenant" | "namespace";

// Typed as the wider shape: the tenant-level schema has no namespace field at all (strict), so one in a body is refused.
const where = (level: Level) =>
  (level === "tenant"
    ? { tenant: tenantSlugSchema }
    : { tenant: tenantSlugSchema, namespace: namespacePathSchema }) as unknown as {
    tenant: typeof tenantSlugSchema;
    namespace: z.ZodOptional<typeof namespacePathSchema>;
  };
const nsOf = (i: { namespace?: string }) => i.namespace ?? null;

const keepCredentials = z.array(z.string().max(128)).max(20).optional();
/** The `confirmation` of a `switch-confirmation-required` answer: the caller saw what the switch does (docs/api.md). */
const confirmSwitch = z.string().max(4096).optional();

/**
 * A PUT or an unsaved verification that omits a credential asks to keep the stored one, as a console form that leaves a
 * "Set" field alone does; lib/managers/config-store.ts then keeps it only under the credential-boundary rules (same
 * type, section still present, every destination field unchanged), and otherwise answers invalid-input.
 */
function keptPaths(document: unknown, explicit: string[] | undefined): string[] {
  if (explicit) return explicit;
  const type = (document as { type?: unknown } | null)?.type;
  if (typeof type !== "string" || !(EXTERNAL_BACKEND_TYPES as readonly string[]).includes(type)) return [];
  return credentialPathsOf(type as ExternalBackendType).filter((p) => getPath(document, pathKeys(p)) === undefined);
}

export const verifyOutcomeSchema = z.strictObject({
  status: z.string(),
  ok: z.boolean(),
  latencyMs: z.number().nullable(),
  checked: z.string().nullable(),
  message: z.string().nullable(),
  explanation: z.string(),
  backendLabel: z.string(),
  at: z.string(),
  /** What the credential can do (lib/backends/capabilities.ts): authenticate, list, describe, read, write. */
  capabilities: capabilityReportSchema.nullable(),
  fieldErrors: z.record(z.string(), z.string()).optional(),
});

/** `If-Match: "3"` (or `W/"3"`, or `3`) → expectedVersion 3; absent → null (create only). */
export function ifMatchVersion(headers: Headers) {
  const raw = headers.get("if-match");
  if (raw === null) return { ok: true as const, values: { expectedVersion: null } };
  const m = /^\s*(?:W\/)?"?([1-9]\d{0,8})"?\s*$/.exec(raw);
  if (!m) return { ok: false as const, message: 'If-Match must name one version, as the ETag gave it: "3".' };
  return { ok: true as const, values: { expectedVersion: Number(m[1]) } };
}

const etag = (data: unknown) => {
  const v = (data as ConfigView).version;
  return v ? { etag: `"${v}"` } : ({} as Record<string, string>);
};
const preconditionFailed = (e: ErrorShape) => (e.code === "conflict" ? 412 : undefined);
const IF_MATCH = [
  {
    name: "If-Match",
    field: "expectedVersion",
    description:
      'The version you read (the ETag, e.g. "3"). Absent: create only. A different stored version answers 412.',
  },
];

export function managerRoutes(level: Level, base: string): V1Route[] {
  const getInput = z.strictObject(where(level));
  const putInput = z.strictObject({
    ...where(level),
    expectedVersion: z.number().int().positive().nullable(),
    enabled: z.boolean().default(true),
    document: boundedJson(),
    keepCredentials,
    confirmSwitch,
  });
  const deleteInput = z.strictObject({
    ...where(level),
    expectedVersion: z.number().int().positive().nullable(),
    confirmSwitch,
  });
  const verifyInput = z.strictObject(where(level));
  const unsavedInput = z.strictObject({ ...where(level), document: boundedJson(), keepCredentials });
  const tag = "Dedicated managers";
  const scopeWord = level === "tenant" ? "the tenant's" : "a namespace's";
  return [
    {
      path: base,
      method: "get",
      tag,
      summary: `Read ${scopeWord} dedicated manager (credentials only as the list of those set)`,
      output: configViewSchema,
      headersOf: etag,
      spec: {
        name: "view.manager-settings",
        permission: "config:read",
        input: getInput,
        tenant: (i) => i.tenant,
        namespace: nsOf,
        run: async ({ prisma, tenant }, i) => loadConfigView(prisma, await resolveScope(prisma, tenant!.id, nsOf(i))),
      } satisfies GuardSpec<typeof getInput, unknown> as V1Route["spec"],
    },
    {
      path: base,
      method: "put",
      tag,
      summary: `Create or replace ${scopeWord} dedicated manager (If-Match on its version; a backend switch answers 409 switch-confirmation-required with its preview until confirmSwitch carries the preview's confirmation)`,
      output: configViewSchema,
      headersOf: etag,
      fromHeaders: ifMatchVersion,
      headerParams: IF_MATCH,
      statusOf: preconditionFailed,
      spec: {
        name: "config.save",
        permission: "config:write",
        input: putInput,
        tenant: (i) => i.tenant,
        namespace: nsOf,
        run: async ({ prisma, tenant, session }, i) =>
          saveConfirmed(
            prisma,
            tenant!,
            await resolveScope(prisma, tenant!.id, nsOf(i)),
            {
              expectedVersion: i.expectedVersion,
              enabled: i.enabled,
              document: i.document,
              keepCredentials: keptPaths(i.document, i.keepCredentials),
              confirmSwitch: i.confirmSwitch,
            },
            { actor: session.actor, instanceAdmin: isInstanceAdmin(session.bindings) },
          ),
      } satisfies GuardSpec<typeof putInput, unknown> as V1Route["spec"],
    },
    {
      path: base,
      method: "delete",
      tag,
      summary: `Turn ${scopeWord} dedicated manager off (its settings are kept; If-Match on its version; confirmSwitch as for PUT)`,
      output: configViewSchema,
      headersOf: etag,
      fromHeaders: ifMatchVersion,
      headerParams: IF_MATCH,
      statusOf: preconditionFailed,
      spec: {
        name: "config.save",
        permission: "config:write",
        input: deleteInput,
        tenant: (i) => i.tenant,
        namespace: nsOf,
        run: async ({ prisma, tenant, session }, i) =>
          saveConfirmed(
            prisma,
            tenant!,
            await resolveScope(prisma, tenant!.id, nsOf(i)),
            {
              expectedVersion: i.expectedVersion,
              enabled: false,
              document: {},
              keepCredentials: [],
              confirmSwitch: i.confirmSwitch,
            },
            { actor: session.actor, instanceAdmin: isInstanceAdmin(session.bindings) },
          ),
      } satisfies GuardSpec<typeof deleteInput, unknown> as V1Route["spec"],
    },
    {
      path: `${base}/verify`,
      method: "post",
      tag,
      summary: `Verify the backend serving ${level === "tenant" ? "the tenant" : "a namespace"} as saved (the result is recorded)`,
      output: verifyOutcomeSchema,
      spec: {
        name: "config.verify",
        permission: "config:verify",
        input: verifyInput,
        tenant: (i) => i.tenant,
        namespace: nsOf,
        run: async ({ prisma, tenant, session }, i) => verifyServing(prisma, tenant!, nsOf(i), session.actor),
      } satisfies GuardSpec<typeof verifyInput, unknown> as V1Route["spec"],
    },
    {
      path: `${base}/verify-unsaved`,
      method: "post",
      tag,
      summary:
        "Verify a configuration document without saving it (omitted credentials: the stored ones, same rules as PUT)",
      output: verifyOutcomeSchema,
      spec: {
        name: "config.verify-form",
        permission: "config:write",
        input: unsavedInput,
        tenant: (i) => i.tenant,
        namespace: nsOf,
        run: async ({ prisma, tenant, session }, i) =>
          verifyForm(
            prisma,
            tenant!,
            await resolveScope(prisma, tenant!.id, nsOf(i)),
            i.document,
            keptPaths(i.document, i.keepCredentials),
            { actor: session.actor, instanceAdmin: isInstanceAdmin(session.bindings) },
          ),
      } satisfies GuardSpec<typeof unsavedInput, unknown> as V1Route["spec"],
    },
  ];
}
