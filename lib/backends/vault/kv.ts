import "server-only";
import { BackendError } from "../backend-error";
import type { VaultClient } from "./client";
import { isMissingPath, notVaultAnswer, vaultStatus } from "./errors";
import { customFromMeta, metaFromCustom, VALUE_FIELD, type Fields } from "./fields";
import { dataPath, listPath, metadataPath, splitListing, subkeysPath, type KvLayout } from "./paths";

/** An entry as read: its fields (KV v2: latest version), and what KV v2 metadata adds. */
export interface KvEntry {
  fields: Fields;
  description: string | null;
  tags: Record<string, string>;
  updatedAt: Date | null;
}

export interface KvMeta {
  description: string | null;
  tags: Record<string, string>;
  updatedAt: Date | null;
  /** KV v2: the current version and when it was written (metadata, never the value). */
  version?: string | null;
  versionCreatedAt?: Date | null;
}

/** What KV v2's subkeys endpoint says of an entry: its field names (no value) and its latest version's metadata. */
export interface KvSubkeys extends KvMeta {
  fields: string[];
}

const dateOf = (v: unknown) => (typeof v === "string" && v && !v.startsWith("0001-") ? new Date(v) : null);
const objectOf = (v: unknown) =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/**
 * `undefined` when Vault answers "no such path" (404 without another reason), the error otherwise. An answer that is
 * not a JSON object (an HTML page, a cut-off body) is `invalid-response`: never read as an empty folder or a missing entry.
 */
async function orMissing<T>(p: Promise<T>): Promise<T | undefined> {
  let body: T;
  try {
    body = await p;
  } catch (error) {
    if (isMissingPath(error)) return undefined;
    throw error;
  }
  // Every answer read here (LIST, data, metadata, subkeys) carries a `data` object; the client turns other bodies into {}.
  if (body !== undefined && body !== null && !objectOf((body as { data?: unknown }).data)) throw notVaultAnswer();
  return body;
}

/** The KV operations Keyhold needs, the same for KV v1 and v2; `rel` paths are relative to the mount. */
export function kvStore(vault: VaultClient, layout: KvLayout) {
  const v2 = layout.version === 2;

  return {
    /** Names in a folder (folders end with '/'); an empty or missing folder lists nothing. */
    async list(relFolder: string, ms: number): Promise<{ entries: string[]; folders: string[] }> {
      const body = await orMissing(vault.list(listPath(layout, relFolder), ms));
      return splitListing(objectOf(body?.data)?.keys);
    },

    /** The entry, or null when it does not exist (KV v2: also when its latest version is deleted). */
    async read(rel: string, ms: number): Promise<KvEntry | null> {
      const body = await orMissing(vault.read(dataPath(layout, rel), ms));
      const data = objectOf(body?.data);
      if (!data) return null;
      if (!v2) return { fields: data, description: null, tags: {}, updatedAt: null };
      const fields = objectOf(data.data);
      if (!fields) return null;
      const metadata = objectOf(data.metadata);
      return { fields, ...metaFromCustom(metadata?.custom_metadata), updatedAt: dateOf(metadata?.created_time) };
    },

    /** KV v2: description and tags from custom_metadata; KV v1 has no metadata (null: look at `read`). */
    async readMeta(rel: string, ms: number): Promise<KvMeta | null> {
      if (!v2) return null;
      const body = await orMissing(vault.read(metadataPath(layout, rel), ms));
      const data = objectOf(body?.data);
      if (!data) return null;
      const current = data.current_version == null ? null : String(data.current_version);
      const versions = objectOf(data.versions);
      return {
        ...metaFromCustom(data.custom_metadata),
        updatedAt: dateOf(data.updated_time),
        version: current,
        versionCreatedAt: current && versions ? dateOf(objectOf(versions[current])?.created_time) : null,
      };
    },

    /** KV v2: field names and metadata without reading a value; null when missing (KV v1 has no such endpoint). */
    async readSubkeys(rel: string, ms: number): Promise<KvSubkeys | null> {
      if (!v2) return null;
      const body = await orMissing(vault.read(subkeysPath(layout, rel), ms));
      const data = objectOf(body?.data);
      const subkeys = objectOf(data?.subkeys);
      if (!data || !subkeys) return null;
      const metadata = objectOf(data.metadata);
      return {
        fields: Object.keys(subkeys),
        ...metaFromCustom(metadata?.custom_metadata),
        updatedAt: dateOf(metadata?.created_time),
        version: metadata?.version == null ? null : String(metadata.version),
        versionCreatedAt: dateOf(metadata?.created_time),
      };
    },

    /** Writes a new entry `{ value }`; `conflict` when the path already holds one. */
    async create(
      rel: string,
      value: string,
      meta: { description: string | null; tags: Record<string, string> },
      conflict: string,
      ms: number,
    ): Promise<void> {
      if (!v2) {
        if (await this.read(rel, ms)) throw new BackendError("conflict", conflict);
        await vault.write(dataPath(layout, rel), { [VALUE_FIELD]: value }, ms);
        return;
      }
      const custom = customFromMeta(meta.description, meta.tags);
      try {
        // cas 0: Vault writes only when the entry has no version yet, so a concurrent create cannot be overwritten.
        await vault.write(dataPath(layout, rel), { options: { cas: 0 }, data: { [VALUE_FIELD]: value } }, ms);
      } catch (error) {
        if (vaultStatus(error) === 400 && /check-and-set/i.test(String((error as Error).message)))
          throw new BackendError("conflict", conflict);
        throw error;
      }
      if (Object.keys(custom).length) await vault.write(metadataPath(layout, rel), { custom_metadata: custom }, ms);
    },

    /** Replaces the data with `{ value }` (KV v2: a new version). */
    async putValue(rel: string, value: string, ms: number): Promise<void> {
      await vault.write(dataPath(layout, rel), v2 ? { data: { [VALUE_FIELD]: value } } : { [VALUE_FIELD]: value }, ms);
    },

    /** KV v2: replaces custom_metadata (description and tags) as a whole. */
    async putMeta(
      rel: string,
      meta: { description: string | null; tags: Record<string, string> },
      ms: number,
    ): Promise<void> {
      await vault.write(
        metadataPath(layout, rel),
        { custom_metadata: customFromMeta(meta.description, meta.tags) },
        ms,
      );
    },

    /** Removes the entry; KV v2 deletes its metadata, so every version goes. */
    async remove(rel: string, ms: number): Promise<void> {
      await vault.remove(v2 ? metadataPath(layout, rel) : dataPath(layout, rel), ms);
    },
  };
}

export type KvStore = ReturnType<typeof kvStore>;
