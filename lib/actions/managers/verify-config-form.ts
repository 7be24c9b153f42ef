"use server";
import { z } from "zod";
import { isInstanceAdmin } from "@/lib/auth/permissions";
import { defineAction } from "@/lib/server/action";
import { boundedJson } from "@/lib/input/bounded-json";
import { resolveScope } from "@/lib/managers/scope";
import { verifyForm } from "@/lib/secrets/verify";
import { namespacePathSchema, tenantSlugSchema } from "@/lib/tenancy/names";

/** Verifies the values of a settings form before (or without) saving them. */
export const verifyConfigFormAction = defineAction({
  name: "config.verify-form",
  // Form values may point anywhere and carry new credentials: only those who may save them may try them.
  permission: "config:write",
  input: z.strictObject({
    tenant: tenantSlugSchema,
    namespace: namespacePathSchema.nullable(),
    document: boundedJson(),
    keepCredentials: z.array(z.string().max(128)).max(20).default([]),
  }),
  tenant: (i) => i.tenant,
  namespace: (i) => i.namespace,
  run: async ({ prisma, tenant, session }, { namespace, document, keepCredentials }) => {
    const scope = await resolveScope(prisma, tenant!.id, namespace);
    return verifyForm(prisma, tenant!, scope, document, keepCredentials, {
      actor: session.actor,
      instanceAdmin: isInstanceAdmin(session.bindings),
    });
  },
});
