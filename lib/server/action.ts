import "server-only";
import type { z } from "zod";
import type { ActionResult } from "../errors";
import { runGuarded, type GuardSpec } from "./guard";

/** Wraps a server action: every action in app/ is built with this, never exported bare. */
export function defineAction<S extends z.ZodType, R>(spec: GuardSpec<S, R>): (input: z.input<S>) => Promise<ActionResult<R>> {
  return async (input) => runGuarded(spec, input);
}
