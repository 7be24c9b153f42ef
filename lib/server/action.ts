import "server-only";
import type { z } from "zod";
import type { ActionResult } from "../errors";
import { runGuarded, type AnySpec } from "./guard";

/**
 * Wraps a server action: every action in lib/actions/ is built with this, never exported bare. Next.js itself
 * refuses action calls whose Origin differs from the Host (docs/security.md), before this runs.
 */
export function defineAction<S extends z.ZodType, R>(
  spec: AnySpec<S, R>,
): (input: z.input<S>) => Promise<ActionResult<R>> {
  return async (input) => runGuarded(spec, input);
}
