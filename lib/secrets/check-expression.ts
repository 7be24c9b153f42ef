import "server-only";
import { z } from "zod";
import { KeyholdError } from "../errors";
import { plainText } from "../input/plain-text";
import type { GuardSpec } from "../server/guard";
import { namespacePathSchema, tenantSlugSchema } from "../tenancy/names";
import { parseSecretExpression } from "./expression";
import { resolveSecretValue } from "./secret-lookup";

const input = z.strictObject({
  tenant: tenantSlugSchema,
  namespace: namespacePathSchema,
  expression: plainText(1000, { multiline: true }),
});

/** Checks that an expression resolves; answers with where and how long, never the value (the action and the REST API). */
export const checkExpressionSpec = {
  name: "secret.check-expression",
  permission: "secret:check",
  input,
  tenant: (i) => i.tenant,
  // The expression may name another namespace: the caller needs a role on that one.
  namespace: (i) => {
    const parsed = parseSecretExpression(i.expression);
    return parsed.ok ? (parsed.expression.namespace ?? i.namespace) : i.namespace;
  },
  run: async ({ prisma, tenant }, { namespace, expression }) => {
    const parsed = parseSecretExpression(expression);
    if (!parsed.ok) throw new KeyholdError("invalid-input", parsed.error, { expression: parsed.error });
    const target = parsed.expression.namespace ?? namespace;
    const check = namespacePathSchema.safeParse(target);
    if (!check.success) throw new KeyholdError("invalid-input", `'${target}' is not a namespace path.`);
    const resolved = await resolveSecretValue(
      prisma,
      tenant!,
      check.data,
      parsed.expression.key,
      parsed.expression.subkey,
    );
    return { ...resolved, expression: parsed.expression };
  },
} satisfies GuardSpec<typeof input, unknown>;

export const expressionCheckSchema = z.strictObject({
  namespace: z.string(),
  backendLabel: z.string(),
  length: z.number().int(),
  expression: z.strictObject({ key: z.string(), namespace: z.string().optional(), subkey: z.string().optional() }),
});
