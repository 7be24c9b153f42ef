import "server-only";
import { isBackendError } from "./backend-error";
import type { CapabilityRow } from "./capabilities";
import type { Operation } from "./operations";

/**
 * Runs one probe of verify's capability table: `yes` with what it did, `no` when the backend refused (forbidden,
 * unauthenticated) and `unknown` with the code for anything else. Errors reach here scrubbed by the adapter's own
 * wrappers; a probe that reads a value returns only words about it.
 */
export async function probe(operation: Operation, fn: () => Promise<string>): Promise<CapabilityRow> {
  try {
    return { operation, outcome: "yes", detail: await fn() };
  } catch (error) {
    const code = isBackendError(error) ? error.code : "unreachable";
    const message = isBackendError(error) ? error.message : "the call failed";
    const refused = code === "forbidden" || code === "unauthenticated";
    return { operation, outcome: refused ? "no" : "unknown", detail: `${code}: ${message}`.slice(0, 500) };
  }
}
