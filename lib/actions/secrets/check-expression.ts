"use server";
import { z } from "zod";
import { defineAction } from "@/lib/server/action";
import { KeyholdError } from "@/lib/errors";
import { plainText } from "@/lib/input/plain-text";
import { parseSecretExpression } from "@/lib/secrets/expression";
import { resolveSecretValue } from "@/lib/secrets/secret-lookup";
import { namespacePathSchema, tenantSlugSchema } from "@/lib/tenancy/names";

/** Checks that an expression resolves; answers with where and how long, never the value. */
export const checkExpressionAction = defineAction({
  name: "secret.check-expression",
  permission: "secret:check",
  input: z.strictObject({
    tenant: tenantSlugSchema,
    namespace: namespacePathSchema,
    expression: plainText(1000, { multiline: true }),
  }),
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
});
