import "server-only";
import { Document, isMap, isScalar, LineCounter, parseDocument, type Node } from "yaml";
import { KeyholdError } from "../errors";
import { credentialPathsOf, type ConfigDocument } from "../backends/document";
import { getPath, setPath } from "../backends/document-path";
import { EXTERNAL_BACKEND_TYPES, type ExternalBackendType } from "../backends/descriptors";
import { namespaceLineage, namespacePathSchema, tenantDisplayNameSchema, tenantSlugSchema } from "../tenancy/names";

/**
 * A tenant's configuration as code (`keyhold export` / `keyhold apply`), in the configuration file's own shape:
 *
 *   keyhold: { tenant: acme, display-name: Acme }
 *   kestra: { secret: { type, read-only, <type>: {...} } }   # the tenant's dedicated manager, if any
 *   namespaces:
 *     company: {}
 *     company.team: { kestra: { secret: {...} } }            # a namespace's dedicated manager
 *
 * Credentials are `${ENV}` references, never values. Pure: no database, no environment read here.
 */
export interface TenantFile {
  tenant: string;
  displayName: string;
  /** Every namespace of the tenant, parents included, sorted. */
  namespaces: string[];
  /** Dedicated managers by scope: null for the tenant, else the namespace path. Documents as written (refs unexpanded). */
  managers: ManagerSource[];
}

export interface ManagerSource {
  namespace: string | null;
  document: Record<string, unknown>;
  /** Line of the `secret` key in the file (for messages); 0 when built in code. */
  line: number;
}

export const scopeLabel = (namespace: string | null) => (namespace === null ? "tenant" : `namespace ${namespace}`);

const fail = (message: string): never => {
  throw new KeyholdError("invalid-input", message);
};

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE_ENV_REF = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

/** Parses a tenant file; throws an `invalid-input` KeyholdError naming the file, line and key. */
export function parseTenantFile(source: string, file: string): TenantFile {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: unknown) => {
    const range = (node as Node | null | undefined)?.range;
    return range ? lines.linePos(range[0]).line : 0;
  };
  const at = (node: unknown, key: string, message: string): never =>
    fail(`${lineOf(node) ? `${file}:${lineOf(node)}` : file}: ${key}: ${message}`);

  if (doc.errors.length) {
    const e = doc.errors[0];
    fail(`${file}:${lines.linePos(e.pos[0]).line}: invalid YAML: ${e.message.split("\n")[0]}`);
  }
  if (!isMap(doc.contents)) return at(doc.contents, "(root)", "expected a tenant configuration (keyhold, namespaces)");
  const pairs = (node: unknown, key: string, allowed: string[]) => {
    if (!isMap(node)) at(node, key, "expected a section");
    const out: Record<string, { key: Node; value: unknown }> = Object.create(null);
    for (const pair of (node as { items: { key: unknown; value: unknown }[] }).items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (allowed.length && !allowed.includes(name))
        at(pair.key, key ? `${key}.${name}` : name, `unknown key (expected ${allowed.join(", ")})`);
      out[name] = { key: pair.key as Node, value: pair.value };
    }
    return out;
  };
  const root = pairs(doc.contents, "", ["keyhold", "kestra", "namespaces"]);
  if (!root.keyhold) at(doc.contents, "keyhold", "missing: the tenant (keyhold.tenant) is required");
  const head = pairs(root.keyhold.value, "keyhold", ["tenant", "display-name"]);
  const scalar = (entry: { key: Node; value: unknown } | undefined, key: string, parent: unknown) => {
    if (!entry) return at(parent, key, "required");
    if (!isScalar(entry.value) || typeof entry.value.value !== "string") return at(entry.key, key, "expected text");
    return entry.value.value as string;
  };
  const checked = <T>(
    schema: { safeParse(v: unknown): { success: boolean; data?: T; error?: { issues: { message: string }[] } } },
    value: unknown,
    node: unknown,
    key: string,
  ): T => {
    const r = schema.safeParse(value);
    return r.success ? (r.data as T) : at(node, key, r.error!.issues[0].message);
  };
  const tenant = checked<string>(
    tenantSlugSchema,
    scalar(head.tenant, "keyhold.tenant", root.keyhold.key),
    head.tenant?.key,
    "keyhold.tenant",
  );
  const displayName = checked<string>(
    tenantDisplayNameSchema,
    head["display-name"] ? scalar(head["display-name"], "keyhold.display-name", root.keyhold.key) : tenant,
    head["display-name"]?.key,
    "keyhold.display-name",
  );

  const managers: ManagerSource[] = [];
  const managerOf = (kestra: { key: Node; value: unknown }, namespace: string | null, prefix: string) => {
    const section = pairs(kestra.value, `${prefix}kestra`, ["secret"]);
    if (!section.secret) return;
    const secret = section.secret.value;
    if (!isMap(secret))
      at(
        section.secret.key,
        `${prefix}kestra.secret`,
        "expected the dedicated manager (type, read-only, and the backend's settings)",
      );
    managers.push({
      namespace,
      document: (secret as Node).toJSON() as Record<string, unknown>,
      line: lineOf(section.secret.key),
    });
  };
  if (root.kestra) managerOf(root.kestra, null, "");

  const namespaces = new Set<string>();
  if (root.namespaces && !(isScalar(root.namespaces.value) && root.namespaces.value.value === null)) {
    const entries = pairs(root.namespaces.value, "namespaces", []);
    for (const [name, entry] of Object.entries(entries)) {
      const path = checked<string>(namespacePathSchema, name, entry.key, `namespaces.${name}`);
      if (path !== name) at(entry.key, `namespaces.${name}`, "write the namespace path without spaces");
      for (const p of namespaceLineage(path)) namespaces.add(p);
      const empty = entry.value === null || (isScalar(entry.value) && entry.value.value === null);
      if (empty) continue;
      const body = pairs(entry.value, `namespaces.${name}`, ["kestra"]);
      if (body.kestra) managerOf(body.kestra, path, `namespaces.${name}.`);
    }
  }
  return { tenant, displayName, namespaces: [...namespaces].sort(), managers };
}

export interface ExpandOptions {
  /**
   * REST API: a credential whose reference has no value asks to keep the stored credential (checked against the stored
   * one by the plan) instead of being refused; `env` is then only what the caller sent, never the server's environment.
   */
  keepUnsent?: boolean;
  /** How a variable without a value is named in a problem. */
  missing?: (name: string) => string;
}

/** A credential left out of an expanded document because its reference had no value: the stored one is to be kept. */
export interface KeptReference {
  path: string;
  variable: string;
}

/**
 * Replaces `${NAME}` (and `${NAME:-default}`) in every text value of a document with the environment's value, as the
 * configuration file does. A credential must be exactly one reference: a value written in the file is refused.
 * Returns the expanded document, or the list of problems (missing variables, literal credentials).
 */
export function expandDocument(
  raw: Record<string, unknown>,
  env: Record<string, string | undefined>,
  where: string,
  options: ExpandOptions = {},
): { document: Record<string, unknown>; problems: string[]; kept: KeptReference[] } {
  const problems: string[] = [];
  const kept: KeptReference[] = [];
  const missing = options.missing ?? ((name: string) => `environment variable ${name} is not set`);
  const has = (name: string) => Object.hasOwn(env, name) && env[name] !== undefined;
  const type = raw.type as ExternalBackendType;
  if ((EXTERNAL_BACKEND_TYPES as readonly string[]).includes(type)) {
    for (const dotted of credentialPathsOf(type)) {
      const value = getPath(raw, dotted);
      if (value === undefined || value === null || value === "") continue;
      if (typeof value !== "string" || !WHOLE_ENV_REF.test(value))
        problems.push(
          `${where}: ${dotted}: a credential must be an \${ENV} reference (\${VARIABLE}), never a value written in the file`,
        );
      else if (options.keepUnsent && !has(value.slice(2, -1)))
        kept.push({ path: dotted, variable: value.slice(2, -1) });
    }
  }
  const skip = new Set(kept.map((k) => k.path));
  const walk = (value: unknown, path: string): unknown => {
    if (typeof value === "string") {
      return value.replace(ENV_REF, (_m, name: string, fallback?: string) => {
        const v = has(name) ? env[name] : undefined;
        if (v === undefined && fallback === undefined) problems.push(`${where}: ${path}: ${missing(name)}`);
        return v ?? fallback ?? "";
      });
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}[${i}]`));
    if (value && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const child = path ? `${path}.${k}` : k;
        if (!skip.has(child)) setPath(out, [k], walk(v, child));
      }
      return out;
    }
    return value;
  };
  return { document: walk(raw, "") as Record<string, unknown>, problems, kept };
}

/** The environment variable a credential is exported as: `ACME_COMPANY_TEAM_VAULT_TOKEN_TOKEN`. */
export function envName(tenant: string, namespace: string | null, credentialPath: string): string {
  return [tenant, namespace ?? "", credentialPath]
    .filter(Boolean)
    .join("_")
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "_");
}

/** Keys sorted at every level, so an export does not depend on the database's JSON key order. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) setPath(out, [k], sorted((value as Record<string, unknown>)[k]));
    return out;
  }
  return value;
}

/** A stored document in export order: type, read-only, cache, then the backend's section, each sorted. */
export function canonicalDocument(document: ConfigDocument | Record<string, unknown>): Record<string, unknown> {
  const { type, "read-only": readOnly, cache, ...rest } = document as Record<string, unknown>;
  const out: Record<string, unknown> = { type, "read-only": readOnly };
  if (cache !== undefined) out.cache = sorted(cache);
  Object.assign(out, sorted(rest));
  return out;
}

/** A tenant file as the plain object its YAML holds (the REST API's export answers it as JSON too). */
export function tenantFileObject(file: TenantFile): Record<string, unknown> {
  const byScope = new Map(file.managers.map((m) => [m.namespace, m.document]));
  const body: Record<string, unknown> = { keyhold: { tenant: file.tenant, "display-name": file.displayName } };
  const tenantManager = byScope.get(null);
  if (tenantManager) body.kestra = { secret: tenantManager };
  const namespaces: Record<string, unknown> = {};
  for (const ns of file.namespaces) {
    const m = byScope.get(ns);
    setPath(namespaces, [ns], m ? { kestra: { secret: m } } : {});
  }
  body.namespaces = namespaces;
  return body;
}

/** The YAML text of a tenant file, with a header saying how credentials are passed. */
export function renderTenantFile(file: TenantFile): string {
  const doc = new Document(tenantFileObject(file));
  doc.commentBefore = [
    ` Keyhold configuration of tenant '${file.tenant}' (keyhold export). Apply it with: keyhold apply -f <file>`,
    " Credentials are ${ENV} references: set those variables in the environment that runs keyhold apply.",
  ].join("\n");
  return doc.toString({ lineWidth: 0 });
}
