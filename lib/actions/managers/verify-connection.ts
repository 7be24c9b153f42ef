"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/server/action";
import { verifyServing } from "@/lib/secrets/verify";
import { namespacePathSchema, tenantSlugSchema } from "@/lib/tenancy/names";

/** Verifies the backend serving a namespace (or the tenant) as saved, and records the result. */
export const verifyConnectionAction = defineAction({
  name: "config.verify",
  permission: "config:verify",
  input: z.strictObject({ tenant: tenantSlugSchema, namespace: namespacePathSchema.nullable() }),
  tenant: (i) => i.tenant,
  namespace: (i) => i.namespace,
  run: async ({ prisma, tenant, session }, { namespace }) => {
    const outcome = await verifyServing(prisma, tenant!, namespace, session.actor);
    revalidatePath(`/tenants/${tenant!.slug}`, "layout");
    return outcome;
  },
});
