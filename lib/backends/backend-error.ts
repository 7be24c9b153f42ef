/** Outcome codes shared by every backend (the verify codes of the semantics page, plus write-side ones). */
export const BACKEND_ERROR_CODES = [
  "unreachable",
  "tls",
  "unauthenticated",
  "forbidden",
  "not-found",
  "invalid-config",
  "timeout",
  "read-only",
  "conflict",
  "too-many-secrets",
  "invalid-input",
  "throttled",
  "invalid-response",
] as const;

export type BackendErrorCode = (typeof BACKEND_ERROR_CODES)[number];

const MAX_MESSAGE = 300;
/** What of a backend's own words a message repeats: its short error text, never a page it answered with. */
export const BACKEND_TEXT_MAX = 200;

/** Cuts text to `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Removes credentials and anything that looks like one from a backend's message, then truncates it.
 * `secrets` are the configuration's credential values (and any value being written).
 */
export function scrubMessage(message: string, secrets: (string | undefined)[] = [], max = MAX_MESSAGE): string {
  let out = String(message ?? "");
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join("[redacted]");
  }
  out = out
    .replace(
      /(authorization|x-vault-token|token|password|secret|signature|credential)(["']?\s*[:=]\s*["']?)[^\s"',;&]+/gi,
      "$1$2[redacted]",
    )
    .replace(/\b(hvs|hvb|s)\.[A-Za-z0-9_-]{8,}\b/g, "[redacted]")
    .replace(/-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g, "[redacted]")
    .replace(/\s+/g, " ")
    .trim();
  return clip(out, max);
}

/** `prefix` (where and what, Keyhold's words) and the backend's own text, scrubbed, the latter short, the whole truncated. */
export function backendMessage(prefix: string, text: string, secrets: (string | undefined)[] = []): string {
  return clip(`${prefix}${scrubMessage(text, secrets, BACKEND_TEXT_MAX)}`, MAX_MESSAGE);
}

export class BackendError extends Error {
  readonly code: BackendErrorCode;
  constructor(code: BackendErrorCode, message: string) {
    super(message);
    this.name = "BackendError";
    this.code = code;
  }
}

export function isBackendError(e: unknown): e is BackendError {
  return e instanceof BackendError;
}

const UNPARSABLE =
  /Unexpected token|is not valid JSON|Unexpected end of JSON|Unterminated string in JSON|Unexpected non-whitespace|Bad control character in string literal|Expected property name/i;

function isUnparsable(error: unknown, depth = 0): boolean {
  const e = error as { name?: string; message?: string; cause?: unknown } | null;
  if (!e || typeof e !== "object" || depth > 3) return false;
  if (UNPARSABLE.test(String(e.message ?? ""))) return true;
  return isUnparsable(e.cause, depth + 1);
}

/** Maps the network-level failures every SDK surfaces the same way (Node error codes). */
export function networkErrorCode(error: unknown): BackendErrorCode | null {
  const e = error as { code?: string; cause?: { code?: string }; name?: string; message?: string };
  const code = e?.code ?? e?.cause?.code ?? "";
  if (["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "EPIPE"].includes(code))
    return "unreachable";
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|EPROTO|ALTNAME/.test(code)) return "tls";
  if (code === "ETIMEDOUT" || e?.name === "TimeoutError" || e?.name === "AbortError") return "timeout";
  // A body that should have been JSON and is not (an HTML page, a cut-off answer), however deep the SDK wrapped it.
  if (isUnparsable(error)) return "invalid-response";
  const msg = e?.message ?? "";
  if (
    /self[- ]signed certificate|certificate has expired|unable to verify the first certificate|wrong version number/i.test(
      msg,
    )
  )
    return "tls";
  if (/ECONNREFUSED|getaddrinfo|socket hang up|connect ECONN/i.test(msg)) return "unreachable";
  return null;
}

/** Runs a backend call with a deadline; the signal lets SDKs that support it stop their request. */
export async function withTimeout<T>(ms: number, what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new BackendError("timeout", `${what} did not answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([fn(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
