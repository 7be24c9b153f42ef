import "server-only";
import { BACKEND_TEXT_MAX, BackendError, clip, networkErrorCode, type BackendErrorCode } from "../backend-error";

/**
 * node-vault rejects with an `ApiResponseError` (not exported) carrying `response.statusCode` and the
 * decoded body for Vault's answers, and with axios errors (`code`) for network failures.
 */
interface VaultishError {
  message?: string;
  code?: string;
  name?: string;
  response?: { statusCode?: number; body?: { errors?: unknown[]; data?: unknown } };
}

export function vaultStatus(error: unknown): number | null {
  const status = (error as VaultishError)?.response?.statusCode;
  return typeof status === "number" ? status : null;
}

/** Vault's own words (its `errors` list), or the transport's message; never the request (it holds the token). */
export function vaultMessage(error: unknown): string {
  const e = error as VaultishError;
  const status = vaultStatus(error);
  if (status !== null) {
    const errors = (e.response?.body?.errors ?? []).filter(
      (m): m is string => typeof m === "string" && m.trim() !== "",
    );
    // Vault wraps some answers as "1 error occurred:\n\t* permission denied\n\n".
    const words = errors
      .map((m) =>
        m
          .replace(/^\d+ errors? occurred:\s*/, "")
          .replace(/^\*\s*/, "")
          .replace(/\s*\n\s*\*\s*/g, "; ")
          .trim(),
      )
      .join("; ");
    // Vault's words are short; anything longer is not Vault talking, and is not repeated in full.
    return `HTTP ${status}: ${clip(words, BACKEND_TEXT_MAX) || "no message"}`;
  }
  return clip(e?.message ?? String(error), BACKEND_TEXT_MAX);
}

/**
 * A 404 that means "no such entry or folder" (Vault answers an empty LIST with 404 too), as opposed
 * to a missing mount ("no handler for route") or namespace ("namespace not found").
 */
export function isMissingPath(error: unknown): boolean {
  if (vaultStatus(error) !== 404) return false;
  const errors = (error as VaultishError).response?.body?.errors ?? [];
  return !errors.some(
    (m) => typeof m === "string" && /no handler for route|namespace not found|unsupported path/i.test(m),
  );
}

const UNAUTHENTICATED =
  /invalid (username or password|role or secret id|secret id|role id|token|credentials)|missing client token|token (is )?(expired|revoked)|bad token/i;

/** Vault/node-vault/axios error → Keyhold code, or null when unknown. */
export function vaultErrorCode(error: unknown): BackendErrorCode | null {
  const status = vaultStatus(error);
  const message = vaultMessage(error);
  if (status !== null) {
    if (status === 400) {
      if (/check-and-set/i.test(message)) return "conflict";
      if (UNAUTHENTICATED.test(message)) return "unauthenticated";
      return "invalid-input";
    }
    if (status === 401) return "unauthenticated";
    if (status === 403) return UNAUTHENTICATED.test(message) ? "unauthenticated" : "forbidden";
    if (status === 404) return "not-found";
    if (status === 405) return "invalid-config";
    if (status === 412) return "conflict";
    if (status === 429) return "throttled"; // a rate limit quota (retried within the call's budget)
    return "unreachable"; // 5xx (sealed, standby without forwarding, internal errors)
  }
  const code = (error as VaultishError)?.code ?? "";
  if (code === "ECONNABORTED" || code === "ETIMEDOUT" || code === "ERR_CANCELED") return "timeout";
  if (code === "ERR_INVALID_URL" || code === "ERR_BAD_OPTION_VALUE" || code === "ERR_BAD_OPTION")
    return "invalid-config";
  return networkErrorCode(error);
}

/** An answer without Vault's JSON `data` object (an HTML page, a cut-off body): never read as an empty result. */
export function notVaultAnswer(): BackendError {
  return new BackendError(
    "invalid-response",
    "The address answered with something that is not Vault's JSON (an HTML page or a cut-off answer): check the address and any proxy in between.",
  );
}

/** `body.data` when the answer is Vault's JSON, `invalid-response` otherwise. */
export function vaultData(body: unknown): Record<string, unknown> {
  const data = body && typeof body === "object" ? (body as { data?: unknown }).data : undefined;
  if (!data || typeof data !== "object" || Array.isArray(data)) throw notVaultAnswer();
  return data as Record<string, unknown>;
}
