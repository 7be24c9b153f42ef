"use server";
import { defineAction } from "@/lib/server/action";
import { deleteSecret } from "@/lib/secrets/mutations";
import { secretRefInput } from "@/lib/secrets/secret-input";

export const deleteSecretAction = defineAction({
  name: "secret.delete",
  permission: "secret:write",
  input: secretRefInput,
  tenant: (i) => i.tenant,
  namespace: (i) => i.namespace,
  run: async ({ prisma, tenant, session }, input) => {
    await deleteSecret(prisma, tenant!, session, input);
    return { key: input.key };
  },
});
