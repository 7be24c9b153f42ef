import "server-only";
import { routeParamsSchema } from "../tenancy/route-params";
import { loadConfigView } from "../managers/config-store";
import { effectiveBackends, globalCandidate } from "../managers/effective";
import { resolveScope } from "../managers/scope";
import { listNamespaces } from "../tenancy/namespaces";
import type { GuardSpec } from "../server/guard";
import { summarizeBackend } from "./backend-summary";
import { permissionsOn } from "../auth/capabilities";

/** The tenant settings page has no namespace parameter, the namespace Edit tab has one. */
const input = routeParamsSchema.partial({ namespace: true });

/** The dedicated-manager settings page of a tenant or namespace: its own configuration and what serves it. */
export const managerSettingsView = {
  name: "view.manager-settings",
  permission: "config:read",
  input,
  tenant: (i) => i.tenant,
  namespace: (i) => i.namespace ?? null,
  run: async ({ prisma, tenant }, { namespace }) => {
    const scope = await resolveScope(prisma, tenant!.id, namespace);
    const [config, backends, namespaces] = await Promise.all([
      loadConfigView(prisma, scope),
      effectiveBackends(prisma, tenant!, [namespace ?? null]),
      namespace ? Promise.resolve([]) : listNamespaces(prisma, tenant!.id),
    ]);
    return {
      config,
      effective: summarizeBackend(backends.get(namespace ?? null)!),
      fileBackendShared: globalCandidate() !== null,
      namespaceCount: namespaces.length,
    };
  },
} satisfies GuardSpec<typeof input, unknown>;

const nsInput = routeParamsSchema;

/** A namespace's overview: which backend serves it, for anyone who may browse its keys (not its configuration). */
export const namespaceBackendView = {
  name: "view.namespace-backend",
  permission: "secret:list",
  input: nsInput,
  tenant: (i) => i.tenant,
  namespace: (i) => i.namespace,
  run: async ({ prisma, tenant, session }, { namespace }) => {
    const scope = await resolveScope(prisma, tenant!.id, namespace);
    const [config, backends] = await Promise.all([
      loadConfigView(prisma, scope),
      effectiveBackends(prisma, tenant!, [namespace]),
    ]);
    return {
      hasOwnManager: config.exists && config.enabled,
      effective: summarizeBackend(backends.get(namespace)!),
      can: permissionsOn(session.bindings, { tenantId: tenant!.id, namespace }, ["config:read"]),
    };
  },
} satisfies GuardSpec<typeof nsInput, unknown>;
