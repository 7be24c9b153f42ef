"use server";
import { defineAction } from "@/lib/server/action";
import { purgeSecret } from "@/lib/secrets/soft-delete";
import { secretRefInput } from "@/lib/secrets/secret-input";

/** Deletes a deleted secret for good (its name becomes free); answers once the backend purged it. */
export const purgeSecretAction = defineAction({
  name: "secret.purge",
  permission: "secret:write",
  input: secretRefInput,
  tenant: (i) => i.tenant,
  namespace: (i) => i.namespace,
  run: async ({ prisma, tenant, session }, input) => {
    await purgeSecret(prisma, tenant!, session, input);
    return { key: input.key };
  },
});
