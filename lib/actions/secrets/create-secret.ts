"use server";
import { defineAction } from "@/lib/server/action";
import { createSecretSpec } from "@/lib/secrets/mutation-specs";

export const createSecretAction = defineAction(createSecretSpec);
