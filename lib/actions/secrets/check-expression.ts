"use server";
import { defineAction } from "@/lib/server/action";
import { checkExpressionSpec } from "@/lib/secrets/check-expression";

/** Checks that an expression resolves; answers with where and how long, never the value. */
export const checkExpressionAction = defineAction(checkExpressionSpec);
