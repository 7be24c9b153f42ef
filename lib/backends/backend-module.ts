import type { z } from "zod";
import type { BackendType as DbBackendType } from "../db/generated/enums";
import type { BackendContext, SecretsBackend, SubkeySource } from "./adapter";
import type { Identity, SectionIssue } from "./config-fields";

// What a backend type is (its descriptor, client-safe: the settings form reads the same declarations as the
// server) and what its server module adds (the adapter factory). Types only, so both sides import it.

/** One input of a dedicated-manager form; `path` is its dotted key in the section. Credentials are the paths the descriptor lists. */
export interface FieldSpec {
  path: string;
  label: string;
  kind: "text" | "url" | "multiline" | "select";
  required?: boolean;
  placeholder?: string;
  help?: string;
  options?: { value: string; label: string }[];
  /** The section holds a number (a select of "1"/"2" sends 1 or 2). */
  numeric?: boolean;
}

export interface AuthMethodSpec {
  id: string;
  label: string;
  fields: FieldSpec[];
}

export interface BackendFormSpec {
  fields: FieldSpec[];
  auth: AuthMethodSpec[];
  /** Which auth method a stored configuration uses; `has(path)` says whether a setting or a stored credential is there. */
  detectAuth: (has: (path: string) => boolean) => string;
}

/**
 * How secrets are found in the backend. `tagged`: secrets carry tags (the prefix, default tags and the
 * tag and name filters apply), called `tagWord` in the backend's own words. `path`: secrets are entries
 * under a path (Vault), with no tag filters. `subkeys`: how a configuration (its section) learns subkey
 * names without reading a value, which the listing pipeline reads to ask metadata or offer "Show subkeys".
 */
export type BackendCapabilities<S = unknown> = (
  { model: "tagged"; tagWord: "tags" | "labels"; apiFilters: ApiFilters } | { model: "path" }
) & {
  subkeys: (section: S) => SubkeySource;
  /** Deleted secrets stay recoverable until purged (Azure Key Vault): the console offers Recover and Purge. */
  softDelete?: true;
};

/**
 * What a tagged backend's own list call can narrow a scan by (its driver sends those filters); Keyhold checks
 * every result against the rules anyway, so a filter only saves reading secrets that would be dropped.
 * `tags`: `one-pair` (one filter-on-tags pair, matched as prefixes), `labels` (every pair that is a valid
 * label), `none`. `namePrefix`: filter-on-prefix is sent. `inReadOnly`: whether it also filters in read-only
 * mode, where the whole list is read to count what the rules skip.
 */
export interface ApiFilters {
  tags: "one-pair" | "labels" | "none";
  namePrefix: boolean;
  inReadOnly: boolean;
}

/**
 * The settings besides the destinations that decide which secrets a configuration selects or the keys it gives them
 * (a Vault mount and path prefix, an AWS role, a tagged backend's prefix and filters). Credentials are never in it: a
 * rotated credential for the same role and address sees the same secrets.
 */
export interface ViewDeclaration {
  /** Dotted paths inside the section, with their word in messages. */
  fields: Readonly<Record<string, string>>;
  /** What a parsed section holds where a path is left out (the schema's default): writing it out changes nothing. */
  defaults?: Readonly<Record<string, string | number | boolean>>;
  /** The document's `read-only` flag selects other secrets too (Vault reads another layout in managed mode). */
  readOnly?: true;
}

/** Everything about a backend type that is not its adapter; `index.ts` beside it adds the adapter factory. */
export interface BackendDescriptor<Id extends string = string> {
  /** The configuration file's name for the type (`kestra.secret.type`), also its section key. */
  id: Id;
  label: string;
  /** The Prisma enum value stored for dedicated managers of this type. */
  dbValue: DbBackendType;
  /** Validates the type's section of a configuration document (form or YAML, same keys). */
  section: z.ZodType;
  /** Dotted paths inside the section that hold credentials (encrypted at rest, never sent back, secret inputs in forms), with their word. */
  credentials: Readonly<Record<string, string>>;
  /**
   * Dotted paths inside the section that decide where a credential is sent or what it unlocks, with their
   * word in messages. A stored credential is kept only while all of them are unchanged.
   */
  destinations: Readonly<Record<string, string>>;
  /**
   * What else decides which secrets the configuration sees, or under which keys (`<type>/view.ts`): changing it, like
   * changing the type or a destination, switches the backend serving a scope (previewed and confirmed before saving).
   */
  view: ViewDeclaration;
  /** Whose identity a valid section authenticates with. */
  identity: (section: unknown) => Identity;
  /** The host (and port) credentials are sent to, for audit entries. */
  host: (section: unknown) => string;
  /** Settings a parsed section lacks or stubs (the seed's snippets do), reported per `incomplete` mode. */
  incomplete?: (section: unknown) => SectionIssue[];
  capabilities: BackendCapabilities;
  form: BackendFormSpec;
}

/** A descriptor whose functions take the type's own parsed section; they only ever receive a section its schema parsed. */
export function describeBackend<Id extends string, S>(
  d: Omit<BackendDescriptor<Id>, "section" | "identity" | "host" | "incomplete" | "capabilities"> & {
    section: z.ZodType<S>;
    capabilities: BackendCapabilities<S>;
    identity: (section: S) => Identity;
    host: (section: S) => string;
    incomplete?: (section: S) => SectionIssue[];
  },
): BackendDescriptor<Id> {
  return d as BackendDescriptor<Id>;
}

/** A backend type's descriptor with the factory of its adapter: what `lib/backends/<type>/index.ts` exports. */
export interface BackendModule<Id extends string = string> extends BackendDescriptor<Id> {
  createAdapter: (ctx: BackendContext) => SecretsBackend;
}
