"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/server/action";
import { createTenant } from "@/lib/tenancy/tenants";
import { tenantDisplayNameSchema, tenantSlugSchema } from "@/lib/tenancy/names";

export const createTenantAction = defineAction({
  name: "tenant.create",
  permission: "tenant:create",
  input: z.strictObject({ slug: tenantSlugSchema, displayName: tenantDisplayNameSchema }),
  run: async ({ prisma, session }, { slug, displayName }) => {
    const tenant = await createTenant(prisma, slug, displayName, session.actor);
    revalidatePath("/", "layout");
    return { slug: tenant.slug };
  },
});
