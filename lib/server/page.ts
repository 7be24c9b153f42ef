import "server-only";
import { forbidden, notFound, redirect } from "next/navigation";
import type { z } from "zod";
import { runGuarded, type AnySpec } from "./guard";

/** Loads a page's data through the same guard as actions: signed out → sign-in page, refused → 403 page, missing → 404. */
export async function loadPage<S extends z.ZodType, R>(spec: AnySpec<S, R>, input: z.input<S>): Promise<R> {
  const result = await runGuarded(spec, input);
  if (result.ok) return result.data;
  if (result.error.code === "unauthenticated") redirect("/login");
  if (result.error.code === "forbidden") forbidden();
  if (result.error.code === "not-found" || result.error.code === "invalid-input") notFound();
  throw new Error(result.error.message);
}
