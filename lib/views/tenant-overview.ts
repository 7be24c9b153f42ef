import "server-only";
import { z } from "zod";
import { listNamespaces } from "../tenancy/namespaces";
import { tenantSlugSchema } from "../tenancy/names";
import { effectiveBackends, globalCandidate } from "../managers/effective";
import type { GuardSpec } from "../server/guard";
import { summarizeBackend } from "./backend-summary";

export const tenantOverviewView = {
  name: "view.tenant-overview",
  permission: "tenant:read",
  input: z.object({ tenant: tenantSlugSchema }),
  tenant: (i) => i.tenant,
  run: async ({ prisma, tenant }) => {
    const namespaces = await listNamespaces(prisma, tenant!.id);
    const backends = await effectiveBackends(prisma, tenant!, [null, ...namespaces]);
    return {
      tenantBackend: summarizeBackend(backends.get(null)!),
      namespaces: namespaces.map((path) => ({ path, backend: summarizeBackend(backends.get(path)!) })),
      fileBackendShared: globalCandidate() !== null,
    };
  },
} satisfies GuardSpec<z.ZodObject<{ tenant: typeof tenantSlugSchema }>, unknown>;
