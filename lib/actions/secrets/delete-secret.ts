"use server";
import { defineAction } from "@/lib/server/action";
import { deleteSecretSpec } from "@/lib/secrets/mutation-specs";

export const deleteSecretAction = defineAction(deleteSecretSpec);
