import "server-only";
import type { BackendContext, IndexedSecret } from "./adapter";
import { BackendError } from "./backend-error";
import { classify, ownedBy, type RawSecret, type Selected, type SelectionRules } from "./classify";
import type { DeletedSecret, DriverSoftDelete, SoftDelete } from "./soft-delete";

/** What the tagged backend lends its soft delete: its error handling, its read-only guard and its classification. */
export interface TaggedHelpers {
  call<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  refuseWrites(): void;
  indexed(raw: RawSecret): IndexedSecret;
  rules: SelectionRules;
  ctx: BackendContext;
}

type Ref = { tenant: string; namespace: string; key: string };

/** Soft delete for a tagged backend: deleted secrets are selected by the same tags and rules as live ones. */
export function taggedSoftDelete(driver: DriverSoftDelete, h: TaggedHelpers): SoftDelete {
  async function deleted(ref: { tenant: string; namespace: string }) {
    const all = await h.call("list deleted", (s) => driver.list(s));
    const out: (DeletedSecret & { raw: RawSecret })[] = [];
    for (const d of all) {
      const raw: RawSecret = { name: d.name, tags: d.tags, description: d.description, updatedAt: null };
      const c = classify(raw, h.rules);
      if (!c.ok) continue;
      const selected: Selected = { ok: true, key: c.key, namespace: c.namespace, tenant: c.tenant };
      if (!ownedBy(selected, h.ctx.attachment, ref.tenant, ref.namespace)) continue;
      out.push({
        key: c.key,
        namespace: c.namespace,
        backendName: d.name,
        deletedOn: d.deletedOn?.toISOString() ?? null,
        purgeOn: d.purgeOn?.toISOString() ?? null,
        raw,
      });
    }
    // A secret tagged with this exact namespace first, as for live secrets.
    return out.sort((a, b) => Number(b.namespace === ref.namespace) - Number(a.namespace === ref.namespace));
  }

  async function one(ref: Ref) {
    const hit = (await deleted(ref)).find((d) => d.key === ref.key);
    if (!hit)
      throw new BackendError("not-found", `No deleted secret with key '${ref.key}' can be recovered or purged here.`);
    return hit;
  }

  return {
    async listDeleted(scope) {
      return (await deleted(scope)).map((d) => ({
        key: d.key,
        namespace: d.namespace,
        backendName: d.backendName,
        deletedOn: d.deletedOn,
        purgeOn: d.purgeOn,
      }));
    },
    async recover(ref) {
      h.refuseWrites();
      const hit = await one(ref);
      await h.call("recover", (s) => driver.recover(hit.backendName, s));
      return h.indexed({ ...hit.raw, updatedAt: new Date() });
    },
    async purge(ref) {
      h.refuseWrites();
      const hit = await one(ref);
      await h.call("purge", (s) => driver.purge(hit.backendName, s));
      return { backendName: hit.backendName };
    },
  };
}
