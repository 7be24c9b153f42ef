import "server-only";
import { forbidden, notFound, redirect } from "next/navigation";
import type { z } from "zod";
import type { ActionResult } from "../errors";
import { runGuarded, type AnySpec } from "./guard";

/** What a part of a page that shows its own errors (the Secrets tab's banner) does with a failure other than sign-in or refusal. */
interface ShowErrors {
  otherErrors: "return";
}

/**
 * Loads a page's data through the same guard as actions: signed out → sign-in page, refused → 403 page, missing → 404.
 * With `{ otherErrors: "return" }` any other failure (a backend's, bad list input) comes back as the result, for the
 * page to show where the data would have been.
 */
export async function loadPage<S extends z.ZodType, R>(spec: AnySpec<S, R>, input: z.input<S>): Promise<R>;
export async function loadPage<S extends z.ZodType, R>(
  spec: AnySpec<S, R>,
  input: z.input<S>,
  options: ShowErrors,
): Promise<ActionResult<R>>;
export async function loadPage<S extends z.ZodType, R>(
  spec: AnySpec<S, R>,
  input: z.input<S>,
  options?: ShowErrors,
): Promise<R | ActionResult<R>> {
  const result = await runGuarded(spec, input);
  if (!result.ok && result.error.code === "unauthenticated") redirect("/login");
  if (!result.ok && result.error.code === "forbidden") forbidden();
  if (options?.otherErrors === "return") return result;
  if (result.ok) return result.data;
  if (result.error.code === "not-found" || result.error.code === "invalid-input") notFound();
  throw new Error(result.error.message);
}
