import type { z } from "zod";
import type { AnySpec } from "../../server/guard";
import type { ErrorShape } from "../../errors";

export type V1Method = "get" | "post" | "put" | "delete";

/** One REST API operation: its path and method, the guard spec it runs, and what it answers. */
export interface V1Route {
  path: string;
  method: V1Method;
  summary: string;
  tag: string;
  spec: AnySpec<z.ZodType, unknown>;
  /** The JSON answer, parsed through this schema on the way out (and described by it). */
  output?: z.ZodType;
  /** A CSV answer instead. */
  respond?: (data: unknown) => Response;
  status?: number;
  /** Input fields read from request headers (If-Match → expectedVersion), described as header parameters. */
  fromHeaders?: (headers: Headers) => { ok: true; values: Record<string, unknown> } | { ok: false; message: string };
  headerParams?: { name: string; field: string; description: string; required?: boolean }[];
  headersOf?: (data: unknown) => Record<string, string>;
  /** A status other than the code's usual one (a version mismatch under If-Match is 412, not 409). */
  statusOf?: (error: ErrorShape) => number | undefined;
  /** What the guard checks, when the spec's selectors do not say it plainly (an expression names its own namespace). */
  target?: { tenant: string | null; namespace: string | null; expression?: string };
}
