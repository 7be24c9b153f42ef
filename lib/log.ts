import "server-only";

type Fields = Record<string, unknown>;

// Keys whose values never reach a log line, whatever the caller passes.
const REDACT = /pass(word)?|secret|token|credential|private|key-id|authorization|cookie|value/i;

function scrub(fields: Fields): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(fields)) out[k] = REDACT.test(k) ? "[redacted]" : v;
  return out;
}

function write(level: "info" | "warn" | "error", fields: Fields, msg: string) {
  const line = JSON.stringify({ level, time: new Date().toISOString(), msg, ...scrub(fields) });
  (level === "error" ? console.error : console.log)(line);
}

/** Structured JSON logs on stdout/stderr. */
export const logger = {
  info: (fields: Fields, msg: string) => write("info", fields, msg),
  warn: (fields: Fields, msg: string) => write("warn", fields, msg),
  error: (fields: Fields, msg: string) => write("error", fields, msg),
};
