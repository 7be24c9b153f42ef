import "server-only";
import { createHash } from "node:crypto";
import type {
  BackendContext,
  ListQuery,
  SecretDetails,
  SecretPage,
  SecretRef,
  SecretsBackend,
  SecretSummary,
  UpdateInput,
  VerifyResult,
  WriteInput,
} from "../adapter";
import { findEgressRefusal } from "../../net/egress";
import {
  backendMessage,
  BackendError,
  isBackendError,
  networkErrorCode,
  scrubMessage,
  withTimeout,
} from "../backend-error";
import { isValidSecretKey, ownedBy, type Selected } from "../classify";
import { credentialPathsOf, splitCredentials } from "../document";
import { searchSecrets } from "../search";
import {
  cachedSnapshot,
  decodeCursor,
  encodeCursor,
  invalidateSnapshots,
  mapLimit,
  PageBudget,
  pageSizeOf,
} from "../snapshot";
import { createVaultClient } from "./client";
import type { VaultSection } from "./config";
import { vaultErrorCode, vaultMessage } from "./errors";
import { subkeySourceOf } from "../descriptors";
import { customFromMeta, readField, subkeysOfFieldNames, subkeysOfFields } from "./fields";
import { kvStore } from "./kv";
import { scanFolder, scanTree, type Listing, type VaultEntry } from "./listing";
import { isManagedKey, managedEntry, managedFolder, readOnlyEntry, type KvLayout } from "./paths";
import { verifyVault } from "./verify";

const DEFAULT_TIMEOUT = 15_000;
const DETAIL_CONCURRENCY = 8;
// Read-only entries carry no namespace or tenant: they belong to the scope the configuration is attached to.
const UNSCOPED: Omit<Selected, "key"> = { ok: true, namespace: null, tenant: null };

/** The address without credentials a URL could carry, for messages. */
function shownAddress(address: string): string {
  try {
    const u = new URL(address);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}`;
  } catch {
    return "(invalid address)";
  }
}

export function createVaultBackend(ctx: BackendContext): SecretsBackend {
  const section = ctx.document.vault as VaultSection;
  const readOnly = ctx.document["read-only"];
  const timeout = ctx.timeoutMs ?? DEFAULT_TIMEOUT;
  const layout: KvLayout = {
    engine: section["root-engine"] ?? "secret",
    version: section["engine-version"] === 1 ? 1 : 2,
    prefix: section["secret-path-prefix"],
  };
  const { settings, credentials } = splitCredentials(ctx.document);
  const credentialValues = credentialPathsOf("vault").map((p) => credentials[p]);
  const identity = createHash("sha256")
    .update(JSON.stringify([settings, credentials, ctx.attachment]))
    .digest("hex")
    .slice(0, 24);
  const cacheKey = `vault:${identity}`;
  const target = `Vault ${shownAddress(section.address)}${section.namespace ? ` (namespace ${section.namespace})` : ""}`;
  const vault = createVaultClient(section, timeout, ctx.egress);
  const store = kvStore(vault, layout);

  const fail = (error: unknown, what: string, extra: (string | undefined)[] = []): never => {
    const secrets = [...credentialValues, ...extra];
    const refusal = findEgressRefusal(error);
    if (refusal) throw new BackendError("forbidden", refusal.message);
    if (isBackendError(error)) throw new BackendError(error.code, scrubMessage(error.message, secrets));
    const code = vaultErrorCode(error) ?? networkErrorCode(error) ?? "unreachable";
    throw new BackendError(code, backendMessage(`${target}: ${what} failed: `, vaultMessage(error), secrets));
  };
  const call = async <T>(
    what: string,
    fn: (signal: AbortSignal) => Promise<T>,
    extra: (string | undefined)[] = [],
    ms = timeout,
  ): Promise<T> => {
    try {
      return await withTimeout(ms, `${target} (${what})`, fn);
    } catch (error) {
      return fail(error, what, extra);
    }
  };
  const refuseWrites = () => {
    if (readOnly)
      throw new BackendError(
        "read-only",
        `${target} is read-only: Keyhold does not create, change or delete its secrets.`,
      );
  };
  const notFound = (key: string) => new BackendError("not-found", `Cannot find secret for key '${key}'.`);

  function snapshot(query: Pick<ListQuery, "tenant" | "namespace" | "refresh">): Promise<Listing> {
    const budget = new PageBudget(target);
    const listAll = Math.max(timeout, 60_000);
    if (readOnly) {
      return cachedSnapshot(
        `${cacheKey}:tree`,
        () => call("list", (signal) => scanTree(store, layout.prefix ?? "", budget, signal, timeout), [], listAll),
        query,
      );
    }
    return cachedSnapshot(
      `${cacheKey}:ns:${query.tenant}:${query.namespace}`,
      () =>
        call(
          "list",
          () => scanFolder(store, managedFolder(layout, query.tenant, query.namespace), budget, timeout),
          [],
          listAll,
        ),
      query,
    );
  }

  /** The entry path of a secret this configuration could show, or null. */
  function locate(ref: SecretRef): string | null {
    if (readOnly)
      return isValidSecretKey(ref.key) &&
        ownedBy({ ...UNSCOPED, key: ref.key }, ctx.attachment, ref.tenant, ref.namespace)
        ? readOnlyEntry(layout, ref.key)
        : null;
    return isManagedKey(ref.key) ? managedEntry(layout, ref.tenant, ref.namespace, ref.key) : null;
  }

  const details = (e: VaultEntry): SecretDetails => ({
    key: e.key,
    description: e.description,
    tags: e.tags,
    updatedAt: e.updatedAt ? e.updatedAt.toISOString() : null,
    subkeys: null,
  });

  /**
   * KV v2: one subkeys request (field names, the latest version's description, tags and time; never a
   * value). A request Vault refuses (a policy without `subkeys/`, a Vault before 1.10) leaves the row as listed.
   */
  const described = (e: VaultEntry): Promise<SecretDetails> =>
    call("describe", () => store.readSubkeys(e.rel, timeout)).then(
      (found) =>
        found
          ? {
              key: e.key,
              description: found.description ?? e.description,
              tags: Object.keys(found.tags).length ? found.tags : e.tags,
              updatedAt: (found.updatedAt ?? e.updatedAt)?.toISOString() ?? null,
              subkeys: subkeysOfFieldNames(found.fields),
            }
          : details(e),
      () => details(e),
    );

  /** The scope a listed entry belongs to: read-only entries outside the attachment scope are not listed at all. */
  const visible = (query: { tenant: string; namespace: string }) =>
    !readOnly || ownedBy({ ...UNSCOPED, key: "" }, ctx.attachment, query.tenant, query.namespace);

  const refuseV1Metadata = (description: string | null | undefined, tags: Record<string, string> | undefined) => {
    if (layout.version === 1 && (description || (tags && Object.keys(tags).length))) {
      throw new BackendError(
        "invalid-input",
        `${layout.engine}/ is a KV version 1 engine, which keeps no metadata: Keyhold cannot store a description or tags there.`,
      );
    }
  };

  return {
    type: "vault",
    readOnly,
    subkeySource: subkeySourceOf(ctx.document),

    async list(query: ListQuery): Promise<SecretPage> {
      // Read-only entries outside the attachment scope: nothing to show, nothing to ask Vault.
      if (!visible(query)) return { items: [], total: 0, nextCursor: null, ignored: {} };
      const snap = await snapshot(query);
      const namespace = readOnly ? null : query.namespace;
      const wanted = query.keys ? new Set(query.keys) : null;
      const selected = wanted ? snap.entries.filter((e) => wanted.has(e.key)) : snap.entries;
      const matching = searchSecrets(selected, query.search, (e) => e);
      const offset = decodeCursor(query.cursor);
      const size = pageSizeOf(query.pageSize);
      const items: SecretSummary[] = matching
        .slice(offset, offset + size)
        .map((e) => ({ ...details(e), namespace, backend: "vault" }));
      return {
        items,
        total: matching.length,
        nextCursor: offset + size < matching.length ? encodeCursor(offset + size) : null,
        ignored: { ...snap.ignored },
      };
    },

    async describe(query): Promise<SecretDetails[]> {
      if (!visible(query)) return [];
      const wanted = new Set(query.keys);
      const entries = (await snapshot(query)).entries.filter((e) => wanted.has(e.key));
      // KV v1 keeps no metadata: what the listing found is all there is without a read.
      if (layout.version === 1) return entries.map(details);
      return mapLimit(entries, DETAIL_CONCURRENCY, described);
    },

    async subkeys(ref: SecretRef): Promise<string[]> {
      const rel = locate(ref);
      if (!rel) throw notFound(ref.key);
      const entry = await call("read", () => store.read(rel, timeout));
      if (!entry) throw notFound(ref.key);
      return subkeysOfFields(entry.fields);
    },

    async read(ref: SecretRef, subkey?: string): Promise<string> {
      const rel = locate(ref);
      if (!rel) throw notFound(ref.key);
      const entry = await call("read", () => store.read(rel, timeout));
      if (!entry) throw notFound(ref.key);
      return readField(ref.key, entry.fields, subkey);
    },

    async write(input: WriteInput): Promise<void> {
      refuseWrites();
      if (!isManagedKey(input.key)) {
        throw new BackendError(
          "invalid-input",
          `'${input.key}' is not a valid secret key for Vault: letters, digits, '_', '.' and '-' (a '/' would make a folder).`,
        );
      }
      refuseV1Metadata(input.description, input.tags);
      const rel = managedEntry(layout, input.tenant, input.namespace, input.key);
      const meta = { description: input.description ?? null, tags: input.tags ?? {} };
      const conflict = `A secret with key '${input.key}' already exists in ${input.namespace}.`;
      await call("create", () => store.create(rel, input.value, meta, conflict, timeout), [input.value]);
      invalidateSnapshots(cacheKey);
    },

    async update(input: UpdateInput): Promise<void> {
      refuseWrites();
      const rel = locate(input);
      if (!rel) throw notFound(input.key);
      refuseV1Metadata(input.description, input.tags);
      await call(
        "update",
        async () => {
          const current = layout.version === 2 ? await store.readMeta(rel, timeout) : await store.read(rel, timeout);
          if (!current) throw notFound(input.key);
          const metaChanges = layout.version === 2 && (input.description !== undefined || input.tags !== undefined);
          const meta = {
            description: input.description !== undefined ? input.description : current.description,
            tags: input.tags ?? current.tags,
          };
          if (metaChanges) customFromMeta(meta.description, meta.tags); // the whole new set must pass Vault's rules before the value changes
          if (input.value !== undefined) await store.putValue(rel, input.value, timeout);
          if (metaChanges) await store.putMeta(rel, meta, timeout);
        },
        [input.value],
      );
      invalidateSnapshots(cacheKey);
    },

    async delete(ref: SecretRef): Promise<void> {
      refuseWrites();
      const rel = locate(ref);
      if (!rel) throw notFound(ref.key);
      await call("delete", async () => {
        const current = layout.version === 2 ? await store.readMeta(rel, timeout) : await store.read(rel, timeout);
        if (!current) throw notFound(ref.key);
        await store.remove(rel, timeout);
      });
      invalidateSnapshots(cacheKey);
    },

    async verify(): Promise<VerifyResult> {
      const started = performance.now();
      const ms = ctx.timeoutMs ?? 5_000;
      const checked = await call(
        "verify",
        () => verifyVault(vault, store, layout, layout.prefix ?? "", section.namespace, ms),
        [],
        ms,
      );
      return { status: "ok", latencyMs: Math.round(performance.now() - started), checked };
    },
  };
}
