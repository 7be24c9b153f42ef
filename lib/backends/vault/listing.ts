import "server-only";
import { compareKeys } from "../sort";
import type { IgnoreReason } from "../adapter";
import { BackendError } from "../backend-error";
import { isValidSecretKey } from "../classify";
import { mapLimit, type PageBudget } from "../snapshot";
import type { KvStore } from "./kv";
import { isManagedKey, joinPath } from "./paths";

/** One Vault entry shown as a secret; `rel` is its path relative to the mount. */
export interface VaultEntry {
  key: string;
  rel: string;
  description: string | null;
  tags: Record<string, string>;
  updatedAt: Date | null;
}

export interface Listing {
  entries: VaultEntry[];
  ignored: Partial<Record<IgnoreReason, number>>;
}

const LIST_CONCURRENCY = 8;
const byKey = (a: VaultEntry, b: VaultEntry) => compareKeys(a.key, b.key);
const bare = (key: string, rel: string): VaultEntry => ({ key, rel, description: null, tags: {}, updatedAt: null });

/**
 * Read-only mode: every entry below `base`, folder by folder (a level at a time, a few LISTs in
 * flight), keyed by its path relative to `base`. Each LIST spends one unit of the budget.
 */
export async function scanTree(
  store: KvStore,
  base: string,
  budget: PageBudget,
  signal: AbortSignal,
  ms: number,
): Promise<Listing> {
  const entries: VaultEntry[] = [];
  let invalid = 0;
  let level = [""];
  while (level.length) {
    if (signal.aborted) throw new BackendError("timeout", "The Vault listing was stopped at its deadline.");
    const listed = await mapLimit(level, LIST_CONCURRENCY, async (folder) => {
      budget.spend();
      return { folder, ...(await store.list(joinPath(base, folder), ms)) };
    });
    const next: string[] = [];
    for (const { folder, entries: names, folders } of listed) {
      // Plain concatenation: LIST names carry no slashes of their own, and this runs once per secret.
      const prefix = base ? `${base.replace(/^\/+|\/+$/g, "")}/` : "";
      for (const name of names) {
        const key = folder ? `${folder}/${name}` : name;
        if (isValidSecretKey(key)) entries.push(bare(key, prefix + key));
        else invalid++;
      }
      for (const name of folders) {
        const path = joinPath(folder, name);
        // A folder whose name cannot be part of a key holds nothing Keyhold could show.
        if (isValidSecretKey(path)) next.push(path);
        else invalid++;
      }
    }
    level = next;
  }
  return { entries: entries.sort(byKey), ignored: invalid ? { "invalid-key": invalid } : {} };
}

/**
 * Managed mode: the entries directly in a namespace's folder (sub-folders are child namespaces),
 * with their KV v2 description and tags (one metadata read each, a few in flight).
 */
export async function scanFolder(store: KvStore, folder: string, budget: PageBudget, ms: number): Promise<Listing> {
  budget.spend();
  const { entries: names } = await store.list(folder, ms);
  const keys = names.filter(isManagedKey);
  const entries = await mapLimit(keys, LIST_CONCURRENCY, async (key) => {
    const rel = joinPath(folder, key);
    // A metadata read the policy refuses leaves the row without description and tags, not the list empty.
    const meta = await store.readMeta(rel, ms).catch(() => null);
    return { ...bare(key, rel), ...(meta ?? {}) };
  });
  const invalid = names.length - keys.length;
  return { entries: entries.sort(byKey), ignored: invalid ? { "invalid-key": invalid } : {} };
}
