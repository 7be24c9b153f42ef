import type { BackendContext, SecretsBackend } from "./adapter";
import type { BackendDescriptor } from "./descriptor";

/** A backend type's descriptor with the factory of its adapter: what `lib/backends/<type>/index.ts` exports. */
export interface BackendModule<Id extends string = string> extends BackendDescriptor<Id> {
  createAdapter: (ctx: BackendContext) => SecretsBackend;
}
