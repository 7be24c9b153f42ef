import { z } from "zod";

export const emailSchema = z.string().trim().toLowerCase().max(254, "At most 254 characters").pipe(z.email("Enter an email address"));
export const passwordSchema = z.string().min(12, "At least 12 characters").max(128, "At most 128 characters");
export const personNameSchema = z.string().trim().min(1, "Enter a name").max(120, "At most 120 characters");

/** Sign-in only bounds lengths: saying which rule a wrong password breaks would help a guesser. */
export const signInInput = z.strictObject({ email: z.string().trim().toLowerCase().min(1).max(254), password: z.string().min(1).max(128) });
export const newAccountInput = z.strictObject({ email: emailSchema, name: personNameSchema, password: passwordSchema });
