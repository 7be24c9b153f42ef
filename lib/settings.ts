import "server-only";
import path from "node:path";

/** Process-wide settings read from the environment; every default is documented in docs/operations.md. */
export function dataDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.KEYHOLD_DATA_DIR ?? "data");
}

export function databaseUrl(): string | undefined {
  const url = process.env.DATABASE_URL?.trim();
  return url ? url : undefined;
}

/** The URL users reach the console at; `https://…` makes session cookies Secure and turns on HSTS. */
export function publicUrl(): string {
  return (process.env.KEYHOLD_PUBLIC_URL?.trim() || `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/$/, "");
}

/**
 * KEYHOLD_ALLOW_SERVER_IDENTITY=true lets instance administrators save dedicated managers that use the server's own
 * cloud identity (an SDK default chain). Off by default: a tenant's configuration must bring its own credentials.
 */
export function serverIdentityAllowed(): boolean {
  return /^(1|true|yes)$/i.test(process.env.KEYHOLD_ALLOW_SERVER_IDENTITY?.trim() ?? "");
}
