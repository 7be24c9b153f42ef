"use server";
import { z } from "zod";
import { defineAction } from "@/lib/server/action";
import { showSubkeys } from "@/lib/secrets/secret-lookup";
import { secretRefInput } from "@/lib/secrets/secret-input";

/** What leaves the server: names (and the latest version's number and time, where read), no value field to fill. */
const shownSubkeysSchema = z.strictObject({
  key: z.string(),
  namespace: z.string(),
  subkeys: z.array(z.string()),
  latest: z.strictObject({ version: z.string(), createdAt: z.string().nullable() }).optional(),
});

/**
 * "Show subkeys" on a row whose backend cannot tell them without a read: reads that one secret on the server
 * and answers with its subkey names, kept for the next page views. A viewer sees subkeys in the list, so the
 * permission is the list's.
 */
export const showSubkeysAction = defineAction({
  name: "secret.show-subkeys",
  permission: "secret:list",
  input: secretRefInput,
  tenant: (i) => i.tenant,
  namespace: (i) => i.namespace,
  run: async ({ prisma, tenant }, { namespace, key }) => {
    const shown = await showSubkeys(prisma, tenant!, namespace, key);
    return shownSubkeysSchema.parse({ key, namespace: shown.namespace, subkeys: shown.subkeys, latest: shown.latest });
  },
});
