"use server";
import { defineAction } from "@/lib/server/action";
import { updateSecretSpec } from "@/lib/secrets/mutation-specs";

export const updateSecretAction = defineAction(updateSecretSpec);
