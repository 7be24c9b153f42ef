import "server-only";
import type { ErrorShape } from "../../errors";
import { ERROR_STATUS } from "../../server/route";

/**
 * RFC 9457 problem details: `type` names the error code (the same codes the console's forms show), `code` repeats it
 * for clients that switch on it, `fieldErrors` carries the same per-field messages as a form, extension members (a
 * switch's `preview`) follow.
 */
export function problem(error: ErrorShape, status = ERROR_STATUS[error.code], headers: Record<string, string> = {}) {
  return new Response(
    JSON.stringify({
      type: `urn:keyhold:error:${error.code}`,
      title: error.code,
      status,
      detail: error.message,
      code: error.code,
      ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}),
      ...error.extensions,
    }),
    { status, headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...headers } },
  );
}
