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
  /** A save that switches the backend serving a namespace, without its preview's confirmation (REST API). */
  "switch-confirmation-required",
  "internal",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorShape {
  code: ErrorCode;
  message: string;
  /** Messages by dotted field path, for forms. */
  fieldErrors?: Record<string, string>;
  /** Extension members of the REST API's problem details (`preview` of a switch); never a value or credential. */
  extensions?: Record<string, unknown>;
}

export class KeyholdError extends Error {
  readonly code: ErrorCode;
  readonly fieldErrors?: Record<string, string>;
  readonly extensions?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    fieldErrors?: Record<string, string>,
    extensions?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "KeyholdError";
    this.code = code;
    this.fieldErrors = fieldErrors;
    this.extensions = extensions;
  }

  toShape(): ErrorShape {
    return {
      code: this.code,
      message: this.message,
      ...(this.fieldErrors ? { fieldErrors: this.fieldErrors } : {}),
      ...(this.extensions ? { extensions: this.extensions } : {}),
    };
  }
}

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ErrorShape };
