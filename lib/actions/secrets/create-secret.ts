"use server";
import { defineAction } from "@/lib/server/action";
import { createSecret } from "@/lib/secrets/mutations";
import { createSecretInput } from "@/lib/secrets/secret-input";

export const createSecretAction = defineAction({
  name: "secret.create",
  permission: "secret:write",
  input: createSecretInput,
  tenant: (i) => i.tenant,
  namespace: (i) => i.namespace,
  run: async ({ prisma, tenant, session }, input) => {
    await createSecret(prisma, tenant!, session, input);
    return { key: input.key };
  },
});
