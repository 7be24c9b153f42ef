import "server-only";
import { createHash } from "node:crypto";
import type { PrismaClient } from "../db/generated/client";
import {
  mergeCredentials,
  splitCredentials,
  parseConfigDocument,
  type ConfigDocument,
  type Credentials,
} from "../backends/document";
import { changedDestinations } from "../backends/destination";
import { fromDbType } from "../backends/descriptors";
import { KeyholdError } from "../errors";
import { identityRefusal, openCredentials } from "../managers/credential-binding";
import { diffSettings } from "../managers/settings-diff";
import { isBackendSwitch } from "../managers/switch-confirmation";
import {
  expandDocument,
  parseTenantFile,
  scopeLabel,
  type ExpandOptions,
  type KeptReference,
  type TenantFile,
} from "./tenant-file";

export type PlanAction = "create" | "change" | "unchanged" | "would disable";

/** One line of a plan: names and setting paths only, never a value or a credential. */
export interface PlanItem {
  kind: "tenant" | "namespace" | "manager";
  /** "tenant" or "namespace <path>". */
  scope: string;
  action: PlanAction;
  details: string[];
}

/** A manager's part of the apply: the document with its credentials, or a disable. Kept out of the plan's JSON. */
export type ManagerStep = (
  | { namespace: string | null; kind: "save"; expectedVersion: number | null; document: ConfigDocument; keep: string[] }
  | { namespace: string | null; kind: "disable"; expectedVersion: number }
) & {
  /** It changes the backend serving an existing scope (lib/managers/switch-confirmation.ts): flows may lose keys. */
  switches: boolean;
  /** Its preview's confirmation (plan-switches.ts): apply then saves it as the console's confirmed switch. */
  confirmation?: string;
};

/** The plan's line for a step that switches the backend: shown before --yes, so no switch is silent. */
export const SWITCH_LINE = "switches the backend serving it: keys only in the current backend disappear from its flows";

export interface Plan {
  tenant: string;
  displayName: string;
  items: PlanItem[];
  /** What the plan read (namespaces, each manager's version and state): apply refuses if it changed since. */
  fingerprint: string;
  /** A digest of the fingerprint and the items: the REST API's apply may name it to apply exactly the plan it showed. */
  version: string;
  namespacesToCreate: string[];
  /** True when applying would change anything. */
  changes: boolean;
}

// The steps hold credentials: kept beside the plan, not in it, so serialising a plan cannot carry one.
const stepsOf = new WeakMap<Plan, ManagerStep[]>();
export const planSteps = (plan: Plan): ManagerStep[] => stepsOf.get(plan) ?? [];

type Row = Awaited<ReturnType<PrismaClient["secretsManagerConfig"]["findMany"]>>[number];

export interface TenantState {
  tenant: { id: string; displayName: string } | null;
  namespaces: string[];
  /** Stored managers by scope (null: the tenant). */
  rows: Map<string | null, Row>;
  fingerprint: string;
}

/** The tenant as stored, with a fingerprint of everything a plan depends on (namespaces, versions, enabled). */
export async function readTenantState(prisma: PrismaClient, slug: string): Promise<TenantState> {
  const tenant = await prisma.tenant.findUnique({ where: { slug }, select: { id: true, displayName: true } });
  if (!tenant) return { tenant: null, namespaces: [], rows: new Map(), fingerprint: "[]" };
  const namespaces = await prisma.namespace.findMany({
    where: { tenantId: tenant.id },
    select: { id: true, path: true },
    orderBy: { path: "asc" },
  });
  const pathOf = new Map(namespaces.map((n) => [n.id, n.path]));
  const rows = new Map<string | null, Row>();
  for (const row of await prisma.secretsManagerConfig.findMany({ where: { tenantId: tenant.id } }))
    rows.set(row.namespaceId ? (pathOf.get(row.namespaceId) ?? row.namespaceId) : null, row);
  const fingerprint = JSON.stringify([
    tenant.id,
    namespaces.map((n) => n.path),
    [...rows.entries()]
      .map(([ns, r]) => [ns ?? "", r.version, r.enabled])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  ]);
  return { tenant, namespaces: namespaces.map((n) => n.path), rows, fingerprint };
}

/** A tenant file read and checked, with its `${ENV}` references resolved: what a plan compares with the database. */
export interface PreparedTenantFile {
  file: TenantFile;
  desired: Map<string | null, ConfigDocument>;
  /** Documents whose credentials are partly to be kept (REST API, references the caller sent no value for): the plan merges the stored ones. */
  pending: Map<string | null, { document: Record<string, unknown>; kept: KeptReference[]; where: string }>;
}

/**
 * Reads a tenant file and resolves its `${ENV}` references, without the database. Throws an `invalid-input`
 * KeyholdError listing every problem (bad YAML, unknown keys, invalid settings, missing variables, literal
 * credentials, a refused identity), so a bad file is refused before anything is opened or written.
 */
export function prepareTenantFile(
  source: string,
  fileName: string,
  env: Record<string, string | undefined>,
  who: { instanceAdmin: boolean },
  options: ExpandOptions = {},
): PreparedTenantFile {
  const file = parseTenantFile(source, fileName);
  const problems: string[] = [];
  const desired = new Map<string | null, ConfigDocument>();
  const pending: PreparedTenantFile["pending"] = new Map();
  for (const m of file.managers) {
    const key = m.namespace === null ? "kestra.secret" : `namespaces.${m.namespace}.kestra.secret`;
    const where = `${fileName}${m.line ? `:${m.line}` : ""}: ${key}`;
    const expanded = expandDocument(m.document, env, where, options);
    problems.push(...expanded.problems);
    if (expanded.problems.length) continue;
    if (expanded.kept.length) {
      pending.set(m.namespace, { document: expanded.document, kept: expanded.kept, where });
      continue;
    }
    const parsed = parseConfigDocument(expanded.document, { unknownKeys: "error" });
    if (!parsed.ok) {
      problems.push(...parsed.errors.map((e) => `${where}${e.path ? `.${e.path}` : ""}: ${e.message}`));
      continue;
    }
    const refusal = identityRefusal(parsed.document, who.instanceAdmin);
    if (refusal) problems.push(`${where}: ${refusal}`);
    desired.set(m.namespace, parsed.document);
  }
  if (problems.length) throw new KeyholdError("invalid-input", `Nothing was applied:\n${problems.join("\n")}`);
  return { file, desired, pending };
}

const storedScope = (row: Row, tenantId: string, namespace: string | null) => ({
  tenantId,
  namespaceId: row.namespaceId,
  namespace,
  scopeKey: row.scopeKey,
});

/**
 * A document whose unsent credentials are to be kept, with the stored ones put back under the credential-boundary
 * rules (lib/managers/config-store.ts): same type, a stored credential that opens, every destination field unchanged.
 */
function withKeptCredentials(
  row: Row | undefined,
  entry: PreparedTenantFile["pending"] extends Map<unknown, infer V> ? V : never,
  where: { tenantId: string | null; namespace: string | null },
  who: { instanceAdmin: boolean },
): { document?: ConfigDocument; problems: string[] } {
  const send = (k: KeptReference, why: string) =>
    `${entry.where}: ${k.path}: \${${k.variable}} was not sent and ${why}`;
  const type = entry.document.type as string;
  if (!row?.credentials || !where.tenantId || fromDbType(row.type) !== type)
    return { problems: entry.kept.map((k) => send(k, "there is no stored credential to keep")) };
  const stored = { ...(row.settings as Record<string, unknown>), type } as ConfigDocument;
  let current: Credentials;
  try {
    current = openCredentials(row.credentials, storedScope(row, where.tenantId, where.namespace), stored);
  } catch {
    return { problems: entry.kept.map((k) => send(k, "the stored credential cannot be used any more")) };
  }
  const missing = entry.kept.filter((k) => !Object.hasOwn(current, k.path));
  if (missing.length) return { problems: missing.map((k) => send(k, "there is no stored credential to keep")) };
  const merged = mergeCredentials(entry.document, Object.fromEntries(entry.kept.map((k) => [k.path, current[k.path]])));
  const parsed = parseConfigDocument(merged, { unknownKeys: "error" });
  if (!parsed.ok)
    return { problems: parsed.errors.map((e) => `${entry.where}${e.path ? `.${e.path}` : ""}: ${e.message}`) };
  const changed = changedDestinations(
    parsed.document.type,
    stored[parsed.document.type],
    parsed.document[parsed.document.type],
  );
  if (changed.length)
    return {
      problems: entry.kept.map((k) =>
        send(k, `the stored credential may not follow a changed destination (${changed.join(", ")})`),
      ),
    };
  const refusal = identityRefusal(parsed.document, who.instanceAdmin);
  if (refusal) return { problems: [`${entry.where}: ${refusal}`] };
  return { document: parsed.document, problems: [] };
}

/** Compares a tenant file (text, or already prepared) with the database: what apply would create, change or disable. */
export async function planTenant(
  prisma: PrismaClient,
  source: string | PreparedTenantFile,
  fileName: string,
  env: Record<string, string | undefined>,
  who: { instanceAdmin: boolean },
): Promise<Plan> {
  const prepared = typeof source === "string" ? prepareTenantFile(source, fileName, env, who) : source;
  const { file } = prepared;
  const state = await readTenantState(prisma, file.tenant);
  const desired = new Map(prepared.desired);
  const problems: string[] = [];
  for (const [ns, entry] of prepared.pending) {
    const merged = withKeptCredentials(
      state.rows.get(ns),
      entry,
      { tenantId: state.tenant?.id ?? null, namespace: ns },
      who,
    );
    problems.push(...merged.problems);
    if (merged.document) desired.set(ns, merged.document);
  }
  if (problems.length) throw new KeyholdError("invalid-input", `Nothing was applied:\n${problems.join("\n")}`);
  const items: PlanItem[] = [];
  const steps: ManagerStep[] = [];
  if (!state.tenant) {
    items.push({ kind: "tenant", scope: "tenant", action: "create", details: [`display name '${file.displayName}'`] });
  } else if (state.tenant.displayName !== file.displayName) {
    items.push({
      kind: "tenant",
      scope: "tenant",
      action: "unchanged",
      details: [`the file's display name differs ('${file.displayName}'); apply does not rename tenants`],
    });
  }
  const existing = new Set(state.namespaces);
  const namespacesToCreate = file.namespaces.filter((ns) => !existing.has(ns));
  for (const ns of namespacesToCreate)
    items.push({ kind: "namespace", scope: scopeLabel(ns), action: "create", details: [] });

  const scopes = [null, ...file.namespaces];
  for (const ns of [...state.rows.keys()]) if (!scopes.includes(ns)) scopes.push(ns);
  // A scope that exists now has flows to lose; one the apply creates has none yet.
  const existingScope = (ns: string | null) => !!state.tenant && (ns === null || existing.has(ns));
  for (const ns of scopes) {
    const row = state.rows.get(ns);
    const want = desired.get(ns);
    const scope = scopeLabel(ns);
    if (!want) {
      if (row?.enabled) {
        items.push({ kind: "manager", scope, action: "would disable", details: ["not in the file", SWITCH_LINE] });
        steps.push({ namespace: ns, kind: "disable", expectedVersion: row.version, switches: true });
      }
      continue;
    }
    if (!row) {
      const switches = existingScope(ns);
      items.push({
        kind: "manager",
        scope,
        action: "create",
        details: [`${want.type}, read-only ${want["read-only"]}`, ...(switches ? [SWITCH_LINE] : [])],
      });
      steps.push({ namespace: ns, kind: "save", expectedVersion: null, document: want, keep: [], switches });
      continue;
    }
    const { details, keep } = compare(row, want, { tenantId: state.tenant!.id, namespace: ns });
    const stored = {
      enabled: row.enabled,
      type: fromDbType(row.type),
      settings: row.settings as Record<string, unknown>,
    };
    const switches = details.length > 0 && isBackendSwitch(stored, true, want);
    if (switches) details.push(SWITCH_LINE);
    items.push({ kind: "manager", scope, action: details.length ? "change" : "unchanged", details });
    if (details.length)
      steps.push({ namespace: ns, kind: "save", expectedVersion: row.version, document: want, keep, switches });
  }
  const plan: Plan = {
    tenant: file.tenant,
    displayName: file.displayName,
    items,
    fingerprint: state.fingerprint,
    version: createHash("sha256")
      .update(JSON.stringify([state.fingerprint, items]))
      .digest("hex"),
    namespacesToCreate,
    changes: items.some((i) => i.action !== "unchanged"),
  };
  stepsOf.set(plan, steps);
  return plan;
}

/** What differs between a stored manager and the file's (setting paths and credential names only), and which stored credentials may be kept. */
function compare(row: Row, want: ConfigDocument, where: { tenantId: string; namespace: string | null }) {
  const details: string[] = [];
  const type = fromDbType(row.type);
  const stored = { ...(row.settings as Record<string, unknown>), type } as ConfigDocument;
  if (!row.enabled) details.push("enable (it is disabled)");
  if (type !== want.type) details.push(`type: ${type} → ${want.type}`);
  if (row.readOnly !== want["read-only"]) details.push(`read-only: ${row.readOnly} → ${want["read-only"]}`);
  const { settings, credentials } = splitCredentials(want);
  const before = splitCredentials(stored).settings as unknown as Record<string, unknown>;
  const changed = diffSettings(before, settings as unknown as Record<string, unknown>).filter(
    (p) => p !== "type" && p !== "read-only",
  );
  if (changed.length) details.push(`settings: ${changed.join(", ")}`);
  let current: Credentials | null = {};
  if (row.credentials) {
    try {
      const scope = {
        tenantId: where.tenantId,
        namespaceId: row.namespaceId,
        namespace: where.namespace,
        scopeKey: row.scopeKey,
      };
      current = openCredentials(row.credentials, scope, stored);
    } catch {
      current = null;
    }
  }
  const sameDestination = type === want.type && !changedDestinations(type, stored[type], want[want.type]).length;
  const keep: string[] = [];
  for (const path of [...new Set([...Object.keys(current ?? {}), ...Object.keys(credentials)])].sort()) {
    const had = current ? current[path] : undefined;
    const has = credentials[path];
    if (has === undefined) details.push(`credential ${path}: removed`);
    else if (current === null) details.push(`credential ${path}: replaced (the stored one cannot be opened)`);
    else if (had === undefined) details.push(`credential ${path}: set`);
    else if (had !== has) details.push(`credential ${path}: replaced`);
    else if (sameDestination) keep.push(path);
    else details.push(`credential ${path}: sent to the changed destination`);
  }
  if (current === null && !Object.keys(credentials).length)
    details.push("stored credentials that cannot be opened: removed");
  return { details, keep };
}
