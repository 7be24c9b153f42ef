import "server-only";
import { z } from "zod";

/**
 * Every environment variable Keyhold reads, in one place, typed and validated (create-t3-app's `env`
 * module is the model). docs/operations.md lists them with their defaults; keep the two together.
 *
 * Not here, on purpose: NEXT_RUNTIME (instrumentation.ts: Next.js inlines it at build time so the edge
 * bundle drops the server start), next.config.mjs's build-time reads, and the tests' own variables
 * (KEYHOLD_TEST_PG_URL, emulator addresses, KEYHOLD_E2E_*): they belong to the build and the tests.
 */

/** An unset or blank variable means "use the default". */
const blankAsUnset = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v : undefined);
const optionalText = z.preprocess(blankAsUnset, z.string().optional());
const trimmedText = z.preprocess((v) => blankAsUnset(v)?.trim(), z.string().optional());
const textOr = (fallback: string) => z.preprocess((v) => blankAsUnset(v)?.trim(), z.string().default(fallback));

const wholeNumber = (fallback: number, unit: string, min: number) =>
  z.preprocess(
    (v) => blankAsUnset(v)?.trim(),
    z
      .string()
      .regex(/^\d+$/, { error: `must be a whole number${unit}` })
      .transform(Number)
      .refine((n) => Number.isSafeInteger(n) && n >= min, {
        error: `must be a whole number${unit}${min > 0 ? ` of at least ${min}` : ""}`,
      })
      .default(fallback),
  );

/** KEYHOLD_ALLOW_SERVER_IDENTITY: 1/true/yes or 0/false/no (any case); unset is false. */
const yesNo = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().toLowerCase() : ""),
  z
    .string()
    .refine((v) => /^(|1|true|yes|0|false|no)$/.test(v), { error: "must be true or false (1/0, yes/no)" })
    .transform((v) => /^(1|true|yes)$/.test(v)),
);

/** KEYHOLD_TRUST_PROXY has always meant on only for exactly "1": anything else but "0" is refused rather than guessed. */
const oneOrZero = z.preprocess(
  (v) => (typeof v === "string" ? v.trim() : ""),
  z
    .string()
    .refine((v) => v === "" || v === "0" || v === "1", { error: "must be 1 (trust X-Forwarded-For) or 0" })
    .transform((v) => v === "1"),
);

export const envSchema = z.object({
  /** postgres://… : PostgreSQL; unset: the embedded PGlite database in KEYHOLD_DATA_DIR/db. */
  DATABASE_URL: trimmedText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, { error: "must start with postgres:// or postgresql://" })
      .optional(),
  ),
  /** Port the console listens on (Next.js reads it too); used for the default public URL. */
  PORT: wholeNumber(3000, "", 1),
  KEYHOLD_DATA_DIR: textOr("data"),
  /** Where the SQL migrations are read from (the release's own by default). */
  KEYHOLD_MIGRATIONS_DIR: textOr("prisma/migrations"),
  KEYHOLD_DB_POOL_MAX: wholeNumber(10, " of connections", 1),
  /** The URL users reach the console at; `https://…` makes session cookies Secure. */
  KEYHOLD_PUBLIC_URL: trimmedText.pipe(
    z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional(),
  ),
  KEYHOLD_CONFIG_FILE: optionalText,
  KEYHOLD_ENCRYPTION_KEY: optionalText,
  KEYHOLD_ENCRYPTION_OLD_KEYS: optionalText,
  /** Signs session cookies; derived from the encryption key when unset. */
  KEYHOLD_AUTH_SECRET: optionalText,
  KEYHOLD_ADMIN_EMAIL: optionalText,
  KEYHOLD_ADMIN_PASSWORD: optionalText,
  KEYHOLD_ADMIN_NAME: optionalText,
  KEYHOLD_TRUST_PROXY: oneOrZero,
  KEYHOLD_ALLOW_SERVER_IDENTITY: yesNo,
  /** Entries are checked (naming the variable and the entry) by lib/net/egress-settings.ts. */
  KEYHOLD_EGRESS_ALLOW: optionalText,
  KEYHOLD_EGRESS_DENY: optionalText,
  /** Directories dedicated managers may read token files from (comma-separated, absolute, `{tenant}` allowed); checked by lib/net/token-files.ts. */
  KEYHOLD_TOKEN_FILE_DIRS: optionalText,
  KEYHOLD_LIST_CACHE_MS: wholeNumber(60_000, " of milliseconds", 0),
  KEYHOLD_MAX_LIST_PAGES: wholeNumber(2_000, " of pages", 1),
  /** Requests a minute per API token, per instance (lib/auth/api-token-limit.ts). */
  KEYHOLD_API_RATE_LIMIT: wholeNumber(300, " of requests a minute", 1),
});

export type Env = z.output<typeof envSchema>;

/** The variables lib/env.ts knows (docs/operations.md lists the same). */
export const ENV_VARIABLES = Object.keys(envSchema.shape) as (keyof Env)[];

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

type Source = Readonly<Record<string, string | undefined>>;

/** Parses and validates an environment; throws one EnvError naming every bad variable (never a value: some are secrets). */
export function readEnv(source: Source = process.env): Env {
  const picked = Object.fromEntries(
    ENV_VARIABLES.map((name) => [name, Object.hasOwn(source, name) ? source[name] : undefined]),
  );
  const parsed = envSchema.safeParse(picked);
  if (parsed.success) return parsed.data;
  throw new EnvError(parsed.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`));
}

const holder = globalThis as unknown as { __keyholdEnv?: { key: string; env: Env } };

/**
 * The process's environment, validated. Parsed once and again only when one of its variables changes
 * (tests set some between calls), so reading it on every request costs a string comparison.
 */
export function serverEnv(): Env {
  const key = ENV_VARIABLES.map((name) => process.env[name] ?? "\u0000").join("\u0001");
  if (holder.__keyholdEnv?.key !== key) holder.__keyholdEnv = { key, env: readEnv(process.env) };
  return holder.__keyholdEnv.env;
}

/** The whole environment, for the configuration file's `${VAR}` references (any name the operator chooses). */
export function processEnvironment(): Source {
  return process.env;
}
