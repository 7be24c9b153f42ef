import "server-only";
import { listNamespaces } from "../tenancy/namespaces";
import { tenantRouteParamsSchema } from "../tenancy/route-params";
import { effectiveBackends, globalCandidate } from "../managers/effective";
import type { GuardSpec } from "../server/guard";
import { summarizeBackend } from "./backend-summary";
import { permissionsOn } from "../auth/capabilities";
import { namespaceLifecycleCounts } from "../secrets/lifecycle-overview";

export const tenantOverviewView = {
  name: "view.tenant-overview",
  permission: "tenant:read",
  input: tenantRouteParamsSchema,
  tenant: (i) => i.tenant,
  run: async ({ prisma, tenant, session }) => {
    const namespaces = await listNamespaces(prisma, tenant!.id);
    const backends = await effectiveBackends(prisma, tenant!, [null, ...namespaces]);
    const verified = await prisma.secretsManagerConfig.findMany({
      where: { tenantId: tenant!.id, lastVerifiedAt: { not: null } },
      select: { id: true, lastVerifyStatus: true, lastVerifiedAt: true },
    });
    const byId = new Map(
      verified.map((v) => [
        v.id,
        {
          status: (v.lastVerifyStatus ?? "OK").toLowerCase().replaceAll("_", "-"),
          at: v.lastVerifiedAt!.toISOString(),
        },
      ]),
    );
    const summarize = (ns: string | null) => {
      const b = backends.get(ns)!;
      return summarizeBackend(b, b.configId ? (byId.get(b.configId) ?? null) : null);
    };
    // Counts only for namespaces whose secrets this user may list.
    const listable = namespaces.filter(
      (ns) => permissionsOn(session.bindings, { tenantId: tenant!.id, namespace: ns }, ["secret:list"])["secret:list"],
    );
    const lifecycle = await namespaceLifecycleCounts(prisma, tenant!, listable);
    return {
      tenantBackend: summarize(null),
      namespaces: namespaces.map((path) => ({
        path,
        backend: summarize(path),
        lifecycle: lifecycle.get(path) ?? null,
      })),
      fileBackendShared: globalCandidate() !== null,
      can: permissionsOn(session.bindings, { tenantId: tenant!.id, namespace: null }, ["config:read"]),
    };
  },
} satisfies GuardSpec<typeof tenantRouteParamsSchema, unknown>;
