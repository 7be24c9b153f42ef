"use server";
import { z } from "zod";
import { isInstanceAdmin } from "@/lib/auth/permissions";
import { defineAction } from "@/lib/server/action";
import { boundedJson } from "@/lib/input/bounded-json";
import { resolveScope } from "@/lib/managers/scope";
import { previewSwitch } from "@/lib/secrets/switch-preview";
import { namespacePathSchema, tenantSlugSchema } from "@/lib/tenancy/names";

/**
 * What saving the settings form would do to the flows of the namespaces it serves (keys now, keys after, those that
 * would disappear), and the confirmation the save then needs. Guarded like the save: it may scan an unsaved address.
 */
export const previewSwitchAction = defineAction({
  name: "config.preview-switch",
  permission: "config:write",
  input: z.strictObject({
    tenant: tenantSlugSchema,
    namespace: namespacePathSchema.nullable(),
    enabled: z.boolean(),
    document: boundedJson(),
    keepCredentials: z.array(z.string().max(128)).max(20).default([]),
  }),
  tenant: (i) => i.tenant,
  namespace: (i) => i.namespace,
  run: async ({ prisma, tenant, session }, { namespace, enabled, document, keepCredentials }) => {
    const scope = await resolveScope(prisma, tenant!.id, namespace);
    return previewSwitch(
      prisma,
      tenant!,
      scope,
      { enabled, document, keepCredentials },
      { actor: session.actor, instanceAdmin: isInstanceAdmin(session.bindings) },
    );
  },
});
