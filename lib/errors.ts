/** The one error shape that leaves the server: `{ code, message }`, plus field errors for forms. */
export const ERROR_CODES = [
  "invalid-input",
  "not-found",
  "conflict",
  "already-exists",
  "unauthenticated",
  "forbidden",
  "rate-limited",
  "read-only",
  "unreachable",
  "tls",
  "timeout",
  "invalid-config",
  "too-many-secrets",
  "throttled",
  "invalid-response",
  "internal",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorShape {
  code: ErrorCode;
  message: string;
  /** Messages by dotted field path, for forms. */
  fieldErrors?: Record<string, string>;
}

export class KeyholdError extends Error {
  readonly code: ErrorCode;
  readonly fieldErrors?: Record<string, string>;

  constructor(code: ErrorCode, message: string, fieldErrors?: Record<string, string>) {
    super(message);
    this.name = "KeyholdError";
    this.code = code;
    this.fieldErrors = fieldErrors;
  }

  toShape(): ErrorShape {
    return { code: this.code, message: this.message, ...(this.fieldErrors ? { fieldErrors: this.fieldErrors } : {}) };
  }
}

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ErrorShape };
