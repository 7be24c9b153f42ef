import type { IndexedSecret } from "./adapter";

/** A secret the backend keeps after a delete until it is recovered or purged (Azure Key Vault's soft delete). */
export interface DeletedSecret {
  key: string;
  /** Its own namespace tag, or null when it belongs to the configuration's attachment scope. */
  namespace: string | null;
  backendName: string;
  deletedOn: string | null;
  /** When the backend purges it by itself. */
  purgeOn: string | null;
}

/** What a backend with soft delete offers for its deleted secrets; each call returns once the backend finished. */
export interface SoftDelete {
  /** The deleted secrets this configuration selects for `tenant`/`namespace` (never a value). */
  listDeleted(scope: { tenant: string; namespace: string }): Promise<DeletedSecret[]>;
  /** Recovers a deleted secret and answers its index entry (write-through). */
  recover(ref: { tenant: string; namespace: string; key: string }): Promise<IndexedSecret>;
  /** Deletes a deleted secret for good; answers its backend name. */
  purge(ref: { tenant: string; namespace: string; key: string }): Promise<{ backendName: string }>;
}

/** What a tagged driver (tagged-adapter.ts) provides for soft delete: raw names and tags, no selection rules. */
export interface DriverSoftDelete {
  list(signal: AbortSignal): Promise<
    {
      name: string;
      tags: Record<string, string>;
      description: string | null;
      deletedOn: Date | null;
      purgeOn: Date | null;
    }[]
  >;
  /** Returns once the backend's recovery finished. */
  recover(name: string, signal: AbortSignal): Promise<void>;
  purge(name: string, signal: AbortSignal): Promise<void>;
}
