"use server";
import { defineAction } from "@/lib/server/action";
import { updateSecret } from "@/lib/secrets/mutations";
import { updateSecretInput } from "@/lib/secrets/secret-input";

export const updateSecretAction = defineAction({
  name: "secret.update",
  permission: "secret:write",
  input: updateSecretInput,
  tenant: (i) => i.tenant,
  namespace: (i) => i.namespace,
  run: async ({ prisma, tenant, session }, input) => {
    await updateSecret(prisma, tenant!, session, input);
    return { key: input.key };
  },
});
