import type { BackendType } from "../backends/descriptors";
import { namespaceLineage } from "../tenancy/names";

/** Where the backend serving a page was configured. */
export type BackendSource =
  | { kind: "namespace"; namespace: string; own: boolean }
  | { kind: "tenant"; tenant: string }
  | { kind: "file"; file: string }
  | { kind: "builtin" };

export interface EffectiveBackend {
  type: BackendType;
  readOnly: boolean;
  source: BackendSource;
  /** The SecretsManagerConfig row, when the backend comes from the database. */
  configId: string | null;
}

export interface ConfigCandidate {
  id: string;
  /** null for the tenant's own configuration. */
  namespace: string | null;
  type: BackendType;
  readOnly: boolean;
  enabled: boolean;
}

export interface GlobalCandidate {
  file: string;
  type: BackendType;
  readOnly: boolean;
}

/**
 * The first that exists of: the namespace's dedicated manager, its parent's, …, the tenant's, the
 * configuration file's, the builtin store. `namespace` null resolves for the tenant itself.
 */
export function resolveEffectiveBackend(
  tenant: string,
  namespace: string | null,
  configs: ConfigCandidate[],
  global: GlobalCandidate | null,
): EffectiveBackend {
  const active = configs.filter((c) => c.enabled);
  const byNamespace = new Map(active.filter((c) => c.namespace !== null).map((c) => [c.namespace!, c]));
  const chain = namespace ? namespaceLineage(namespace).reverse() : [];
  for (const ns of chain) {
    const c = byNamespace.get(ns);
    if (c)
      return {
        type: c.type,
        readOnly: c.readOnly,
        configId: c.id,
        source: { kind: "namespace", namespace: ns, own: ns === namespace },
      };
  }
  const own = active.find((c) => c.namespace === null);
  if (own) return { type: own.type, readOnly: own.readOnly, configId: own.id, source: { kind: "tenant", tenant } };
  if (global)
    return {
      type: global.type,
      readOnly: global.readOnly,
      configId: null,
      source: { kind: "file", file: global.file },
    };
  return { type: "builtin", readOnly: false, configId: null, source: { kind: "builtin" } };
}

/** The sentence the UI shows under a backend's name. */
export function describeSource(source: BackendSource): string {
  switch (source.kind) {
    case "namespace":
      return source.own ? "Configured on this namespace" : `Inherited from ${source.namespace}`;
    case "tenant":
      return `Inherited from tenant ${source.tenant}`;
    case "file":
      return "From the configuration file";
    case "builtin":
      return "Builtin store (nothing configured)";
  }
}
