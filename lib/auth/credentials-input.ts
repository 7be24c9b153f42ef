import { z } from "zod";
import { plainText } from "../input/plain-text";

export const emailSchema = plainText(254).toLowerCase().pipe(z.email("Enter an email address"));
export const passwordSchema = z.string().min(12, "At least 12 characters").max(128, "At most 128 characters");
export const personNameSchema = plainText(120).min(1, "Enter a name");

/** Sign-in only bounds lengths (and refuses control characters in the email): saying which rule a wrong password breaks would help a guesser. */
export const signInInput = z.strictObject({
  email: plainText(254).toLowerCase().min(1),
  password: z.string().min(1).max(128),
});
export const newAccountInput = z.strictObject({ email: emailSchema, name: personNameSchema, password: passwordSchema });
