import "server-only";
import { z } from "zod";
import { listApiTokens, MAX_TOKEN_DAYS } from "../auth/api-tokens";
import { isAllowed, isInstanceAdmin } from "../auth/permissions";
import type { GuardSpec } from "../server/guard";

const input = z.object({});

/** The API tokens page: the tokens the caller may see and revoke, and the tenants it may bind a new one to. */
export const apiTokensView = {
  name: "view.api-tokens",
  permission: "session:self",
  input,
  run: async ({ prisma, session }) => {
    const instanceAdmin = isInstanceAdmin(session.bindings);
    const tenants = await prisma.tenant.findMany({ orderBy: { slug: "asc" }, select: { id: true, slug: true } });
    const grantable = tenants
      .filter((t) => isAllowed(session.bindings, "user:manage", { tenantId: t.id, namespace: null }))
      .map((t) => t.slug);
    return {
      tokens: await listApiTokens(prisma, session),
      tenants: grantable,
      instanceAdmin,
      maxDays: MAX_TOKEN_DAYS,
    };
  },
} satisfies GuardSpec<typeof input, unknown>;
