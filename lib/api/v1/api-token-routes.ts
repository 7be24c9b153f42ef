import "server-only";
import { z } from "zod";
import {
  apiTokenRequestInput,
  apiTokenViewSchema,
  createApiToken,
  listApiTokens,
  revokeApiToken,
} from "../../auth/api-tokens";
import type { GuardSpec } from "../../server/guard";
import type { V1Route } from "./route-types";

const TAG = "API tokens";
const listInput = z.strictObject({});
const revokeInput = z.strictObject({ id: z.uuid() });

/**
 * API tokens, as the console's API tokens page: every signed-in caller may ask, and each sees, grants and revokes only
 * what it may grant (lib/auth/api-tokens.ts). Called with a token, that is the token's own binding: a token never makes
 * a token with more rights than its own, nor one that outlives it, and revoking it stops the tokens it made.
 */
export const API_TOKEN_ROUTES: V1Route[] = [
  {
    path: "/api/v1/api-tokens",
    method: "get",
    tag: TAG,
    summary: "The API tokens the caller may see and revoke (never a token itself), with their last use",
    output: z.strictObject({ tokens: z.array(apiTokenViewSchema) }),
    spec: {
      name: "api.api-tokens.list",
      permission: "session:self",
      input: listInput,
      run: async ({ prisma, session }) => ({ tokens: await listApiTokens(prisma, session) }),
    } satisfies GuardSpec<typeof listInput, unknown> as V1Route["spec"],
  },
  {
    path: "/api/v1/api-tokens",
    method: "post",
    tag: TAG,
    summary:
      "Create a token for yourself or a service account, with one role binding you may grant and an expiry: the answer is the only time it is shown",
    status: 201,
    output: z.strictObject({ id: z.string(), name: z.string(), token: z.string(), expiresAt: z.string() }),
    spec: {
      name: "api-token.create",
      permission: "session:self",
      input: apiTokenRequestInput,
      run: async ({ prisma, session }, input) => createApiToken(prisma, session, input),
    } satisfies GuardSpec<typeof apiTokenRequestInput, unknown> as V1Route["spec"],
  },
  {
    path: "/api/v1/api-tokens/{id}",
    method: "delete",
    tag: TAG,
    summary: "Revoke a token (and the tokens made with it)",
    output: z.strictObject({ name: z.string() }),
    spec: {
      name: "api-token.revoke",
      permission: "session:self",
      input: revokeInput,
      run: async ({ prisma, session }, { id }) => revokeApiToken(prisma, session, id),
    } satisfies GuardSpec<typeof revokeInput, unknown> as V1Route["spec"],
  },
];
