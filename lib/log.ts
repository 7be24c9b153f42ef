import "server-only";

type Fields = Record<string, unknown>;

// Keys whose values never reach a log line, at any depth, whatever the caller passes (tested with canaries in log.test.ts).
export const REDACT =
  /pass(word)?|secret|token|credential|private|key-?id|authorization|cookie|value|session|api-?key|client-?secret|service-?account/i;

const MAX_DEPTH = 6;

function scrub(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object") return typeof value === "string" ? value.slice(0, 2000) : value;
  if (depth >= MAX_DEPTH) return "[depth]";
  // An error's message may quote what it failed on; only its name is logged.
  if (value instanceof Error) return { name: value.name };
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => scrub(v, depth + 1));
  const out: Fields = {};
  for (const [k, v] of Object.entries(value)) out[k] = REDACT.test(k) ? "[redacted]" : scrub(v, depth + 1);
  return out;
}

function write(level: "info" | "warn" | "error", fields: Fields, msg: string) {
  const line = JSON.stringify({ level, time: new Date().toISOString(), msg, ...(scrub(fields) as Fields) });
  (level === "error" ? console.error : console.log)(line);
}

/** Structured JSON logs on stdout/stderr. */
export const logger = {
  info: (fields: Fields, msg: string) => write("info", fields, msg),
  warn: (fields: Fields, msg: string) => write("warn", fields, msg),
  error: (fields: Fields, msg: string) => write("error", fields, msg),
};
