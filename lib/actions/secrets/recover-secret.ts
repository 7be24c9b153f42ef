"use server";
import { defineAction } from "@/lib/server/action";
import { recoverSecret } from "@/lib/secrets/soft-delete";
import { secretRefInput } from "@/lib/secrets/secret-input";

/** Recovers a deleted secret; answers once the backend finished recovering it. */
export const recoverSecretAction = defineAction({
  name: "secret.recover",
  permission: "secret:write",
  input: secretRefInput,
  tenant: (i) => i.tenant,
  namespace: (i) => i.namespace,
  run: async ({ prisma, tenant, session }, input) => {
    await recoverSecret(prisma, tenant!, session, input);
    return { key: input.key };
  },
});
