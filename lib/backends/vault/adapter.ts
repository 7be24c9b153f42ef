import "server-only";
import type {
  BackendContext,
  IndexedSecret,
  SecretRef,
  SecretsBackend,
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
import { PageBudget } from "../page-budget";
import { createVaultClient } from "./client";
import { throttledClient } from "./throttled-client";
import type { VaultSection } from "./config";
import { vaultErrorCode, vaultMessage, vaultStatus } from "./errors";
import { subkeySourceOf } from "../descriptors";
import { customFromMeta, readField, subkeysOfFieldNames, subkeysOfFields } from "./fields";
import { kvStore } from "./kv";
import { walkTree, type WalkedName } from "./listing";
import { mapPages } from "../scan-pipeline";
import { isManagedKey, joinPath, managedEntry, readOnlyEntry, type KvLayout } from "./paths";
import { verifyVault } from "./verify";
import { vaultCapabilities } from "./capabilities";

const DEFAULT_TIMEOUT = 15_000;
/** KV v2 subkeys requests a scan keeps in flight (OpenBao on 2 cores: 16 lists 2,000 entries about a quarter faster than 8). */
const DETAIL_CONCURRENCY = 16;
/** Entries per page a scan hands to the index (each KV v2 entry costs one metadata request). */
const SCAN_PAGE = 200;
const NAMESPACE_SEGMENT = /^[a-z0-9][a-z0-9_-]*$/;
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
  const { credentials } = splitCredentials(ctx.document);
  const credentialValues = credentialPathsOf("vault").map((p) => credentials[p]);
  const target = `Vault ${shownAddress(section.address)}${section.namespace ? ` (namespace ${section.namespace})` : ""}`;
  const vault = throttledClient(createVaultClient(section, timeout, ctx.egress, ctx.attachment));
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

  /**
   * Where a scan starts: read-only mode, the prefix (every entry is a secret of the attachment scope); managed mode,
   * the tenant's folder (or, for the configuration file, the folder of every tenant).
   */
  const scanBase = readOnly
    ? (layout.prefix ?? "")
    : ctx.attachment.tenant
      ? joinPath(layout.prefix, ctx.attachment.tenant)
      : (layout.prefix ?? "");

  /** What a walked path means: key, namespace and tenant, or why it is ignored. */
  function classifyPath(name: WalkedName): Pick<IndexedSecret, "key" | "namespace" | "tenantTag" | "ignored"> {
    const ignored = { key: null, namespace: null, tenantTag: null, ignored: "invalid-key" as const };
    if (name.invalidFolder) return ignored;
    if (readOnly) return isValidSecretKey(name.path) ? { ...ignored, key: name.path, ignored: null } : ignored;
    const segments = name.path.split("/");
    const key = segments.pop()!;
    const tenant = ctx.attachment.tenant ?? segments.shift() ?? null;
    if (!tenant || !segments.length || !isManagedKey(key) || !segments.every((s) => NAMESPACE_SEGMENT.test(s)))
      return { ...ignored, tenantTag: tenant };
    return { key, namespace: segments.join("."), tenantTag: tenant, ignored: null };
  }

  /**
   * A metadata read Vault refused (no policy for it, an endpoint this Vault lacks) leaves the entry without metadata;
   * any other failure (timeout, reset, throttled, not Vault's answer) fails the scan, never a list missing it silently.
   */
  const refusedOnly = (error: unknown): null => {
    const status = vaultStatus(error);
    if (status !== null && status >= 400 && status < 500 && status !== 429) return null;
    throw error;
  };

  /** KV v2: one subkeys request (names, description, tags, time; never a value), else the metadata, else nothing. */
  async function metadataOf(rel: string) {
    if (layout.version === 1) return null;
    const found = await store.readSubkeys(rel, timeout).catch(refusedOnly);
    if (found) return { ...found, subkeys: subkeysOfFieldNames(found.fields) as string[] | null };
    // A policy without `subkeys/` (or a Vault before 1.10): the metadata still tells description and tags.
    const meta = await store.readMeta(rel, timeout).catch(refusedOnly);
    return meta ? { ...meta, subkeys: null } : null;
  }

  async function* scanPages(): AsyncIterable<IndexedSecret[]> {
    const budget = new PageBudget(target);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), Math.max(timeout, 60_000) * 10);
    try {
      // KV v2 asks one subkeys request per entry: DETAIL_CONCURRENCY in flight across pages and folder levels, and
      // going on while the index writes the page before (lib/backends/scan-pipeline.ts).
      yield* mapPages(
        walkTree(store, scanBase, budget, controller.signal, timeout),
        { limit: DETAIL_CONCURRENCY, pageSize: SCAN_PAGE },
        async (name): Promise<IndexedSecret> => {
          const c = classifyPath(name);
          const meta = c.key ? await metadataOf(name.rel) : null;
          return {
            backendName: name.rel,
            ...c,
            description: meta?.description ?? null,
            tags: meta?.tags ?? {},
            subkeys: meta?.subkeys ?? null,
            updatedAt: meta?.updatedAt ? meta.updatedAt.toISOString() : null,
            version: meta?.version ?? null,
            ...(meta?.versionCreatedAt ? { lifecycle: { versionCreatedAt: meta.versionCreatedAt } } : {}),
          };
        },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  async function* scan(): AsyncIterable<IndexedSecret[]> {
    const pages = scanPages()[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<IndexedSecret[]>;
      try {
        next = await pages.next();
      } catch (error) {
        return fail(error, "list");
      }
      if (next.done) return;
      yield next.value;
    }
  }

  /** The index entry of a secret Keyhold just wrote (managed mode). */
  const written = (
    rel: string,
    ref: { tenant: string; namespace: string; key: string },
    meta: { description: string | null; tags: Record<string, string> },
    subkeys: string[] | null,
  ): IndexedSecret => ({
    backendName: rel,
    key: ref.key,
    namespace: ref.namespace,
    tenantTag: ref.tenant,
    description: meta.description,
    tags: meta.tags,
    subkeys,
    updatedAt: new Date().toISOString(),
    version: null,
    ignored: null,
  });
  // Entries Keyhold writes hold one field, `value`, whose JSON keys only a read tells.
  const writtenSubkeys = null;

  /** The entry path of a secret this configuration could show, or null. */
  function locate(ref: SecretRef): string | null {
    if (readOnly)
      return isValidSecretKey(ref.key) &&
        ownedBy({ ...UNSCOPED, key: ref.key }, ctx.attachment, ref.tenant, ref.namespace)
        ? readOnlyEntry(layout, ref.key)
        : null;
    return isManagedKey(ref.key) ? managedEntry(layout, ref.tenant, ref.namespace, ref.key) : null;
  }

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

    scan,

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

    async write(input: WriteInput): Promise<IndexedSecret> {
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
      return written(rel, input, meta, writtenSubkeys);
    },

    async update(input: UpdateInput): Promise<IndexedSecret> {
      refuseWrites();
      const rel = locate(input);
      if (!rel) throw notFound(input.key);
      refuseV1Metadata(input.description, input.tags);
      return call(
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
          return written(rel, input, meta, writtenSubkeys);
        },
        [input.value],
      );
    },

    async delete(ref: SecretRef): Promise<{ backendName: string }> {
      refuseWrites();
      const rel = locate(ref);
      if (!rel) throw notFound(ref.key);
      await call("delete", async () => {
        const current = layout.version === 2 ? await store.readMeta(rel, timeout) : await store.read(rel, timeout);
        if (!current) throw notFound(ref.key);
        await store.remove(rel, timeout);
      });
      return { backendName: rel };
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
      const latencyMs = Math.round(performance.now() - started);
      const capabilities = await vaultCapabilities(vault, store, layout, {
        readOnly,
        base: scanBase,
        ms,
        call: (what, fn) => call(what, () => fn(), [], ms),
      });
      return { status: "ok", latencyMs, checked, capabilities };
    },
  };
}
