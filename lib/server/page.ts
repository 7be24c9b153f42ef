import "server-only";
import { notFound } from "next/navigation";
import type { z } from "zod";
import { runGuarded, type GuardSpec } from "./guard";

/** Loads a page's data through the same guard as actions; a missing tenant or namespace renders the 404 page. */
export async function loadPage<S extends z.ZodType, R>(spec: GuardSpec<S, R>, input: z.input<S>): Promise<R> {
  const result = await runGuarded(spec, input);
  if (result.ok) return result.data;
  if (result.error.code === "not-found" || result.error.code === "invalid-input") notFound();
  throw new Error(result.error.message);
}
