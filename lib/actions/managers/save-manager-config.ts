"use server";
import { revalidatePath } from "next/cache";
import { isInstanceAdmin } from "@/lib/auth/permissions";
import { defineAction } from "@/lib/server/action";
import { saveConfig, saveConfigInput } from "@/lib/managers/config-store";
import { resolveScope } from "@/lib/managers/scope";
import { namespacePathSchema, tenantSlugSchema } from "@/lib/tenancy/names";

export const saveManagerConfigAction = defineAction({
  name: "config.save",
  permission: "config:write",
  input: saveConfigInput.extend({ tenant: tenantSlugSchema, namespace: namespacePathSchema.nullable() }),
  tenant: (i) => i.tenant,
  namespace: (i) => i.namespace,
  run: async ({ prisma, tenant, session }, { namespace, ...input }) => {
    const scope = await resolveScope(prisma, tenant!.id, namespace);
    const view = await saveConfig(prisma, scope, input, session.actor, {
      instanceAdmin: isInstanceAdmin(session.bindings),
      requireSwitchConfirmation: true,
    });
    revalidatePath(`/tenants/${tenant!.slug}`, "layout");
    return view;
  },
});
