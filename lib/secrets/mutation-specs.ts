import "server-only";
import type { GuardSpec } from "../server/guard";
import { createSecret, deleteSecret, updateSecret } from "./mutations";
import { createSecretInput, secretRefInput, updateSecretInput } from "./secret-input";

// The guarded secret writes, shared by the server actions (lib/actions/secrets) and the REST API (lib/api/v1).

export const createSecretSpec = {
  name: "secret.create",
  permission: "secret:write",
  input: createSecretInput,
  tenant: (i) => i.tenant,
  namespace: (i) => i.namespace,
  run: async ({ prisma, tenant, session }, input) => {
    await createSecret(prisma, tenant!, session, input);
    return { key: input.key };
  },
} satisfies GuardSpec<typeof createSecretInput, { key: string }>;

export const updateSecretSpec = {
  name: "secret.update",
  permission: "secret:write",
  input: updateSecretInput,
  tenant: (i) => i.tenant,
  namespace: (i) => i.namespace,
  run: async ({ prisma, tenant, session }, input) => {
    await updateSecret(prisma, tenant!, session, input);
    return { key: input.key };
  },
} satisfies GuardSpec<typeof updateSecretInput, { key: string }>;

export const deleteSecretSpec = {
  name: "secret.delete",
  permission: "secret:write",
  input: secretRefInput,
  tenant: (i) => i.tenant,
  namespace: (i) => i.namespace,
  run: async ({ prisma, tenant, session }, input) => {
    await deleteSecret(prisma, tenant!, session, input);
    return { key: input.key };
  },
} satisfies GuardSpec<typeof secretRefInput, { key: string }>;
