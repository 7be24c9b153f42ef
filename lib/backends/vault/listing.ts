import "server-only";
import { BackendError } from "../backend-error";
import { isValidSecretKey } from "../classify";
import { mapLimit, type PageBudget } from "../page-budget";
import type { KvStore } from "./kv";
import { joinPath } from "./paths";

/** One name a LIST returned below the scanned folder: an entry (a secret) or a folder whose name no key can hold. */
export interface WalkedName {
  /** Relative to the scanned folder: `team/api`. */
  path: string;
  /** Relative to the mount: what the KV calls take. */
  rel: string;
  /** A folder Keyhold cannot descend into (its name cannot be part of a key). */
  invalidFolder?: boolean;
}

const LIST_CONCURRENCY = 8;

/**
 * Every entry below `base`, a folder level at a time (a few LISTs in flight), yielded a level at a time so a scan
 * holds one level, not the tree. Each LIST spends one unit of the budget.
 */
export async function* walkTree(
  store: KvStore,
  base: string,
  budget: PageBudget,
  signal: AbortSignal,
  ms: number,
): AsyncIterable<WalkedName[]> {
  const prefix = base ? `${base.replace(/^\/+|\/+$/g, "")}/` : "";
  let level = [""];
  while (level.length) {
    if (signal.aborted) throw new BackendError("timeout", "The Vault listing was stopped at its deadline.");
    const listed = await mapLimit(level, LIST_CONCURRENCY, async (folder) => {
      budget.spend();
      return { folder, ...(await store.list(joinPath(base, folder), ms)) };
    });
    const next: string[] = [];
    const out: WalkedName[] = [];
    for (const { folder, entries: names, folders } of listed) {
      // Plain concatenation: LIST names carry no slashes of their own, and this runs once per secret.
      for (const name of names) {
        const path = folder ? `${folder}/${name}` : name;
        out.push({ path, rel: prefix + path });
      }
      for (const name of folders) {
        const path = joinPath(folder, name);
        // A folder whose name cannot be part of a key holds nothing Keyhold could show.
        if (isValidSecretKey(path)) next.push(path);
        else out.push({ path, rel: prefix + path, invalidFolder: true });
      }
    }
    if (out.length) yield out;
    level = next;
  }
}
