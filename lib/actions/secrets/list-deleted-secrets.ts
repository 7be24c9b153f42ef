"use server";
import { z } from "zod";
import { defineAction } from "@/lib/server/action";
import { listDeletedSecrets } from "@/lib/secrets/soft-delete";
import { namespacePathSchema, tenantSlugSchema } from "@/lib/tenancy/names";

/** The namespace's deleted-but-recoverable secrets (names and dates only), for the Deleted view. */
export const listDeletedSecretsAction = defineAction({
  name: "secret.list-deleted",
  permission: "secret:list",
  input: z.strictObject({ tenant: tenantSlugSchema, namespace: namespacePathSchema }),
  tenant: (i) => i.tenant,
  namespace: (i) => i.namespace,
  run: ({ prisma, tenant }, input) => listDeletedSecrets(prisma, tenant!, input.namespace),
});
