import "server-only";
import path from "node:path";
import { serverEnv } from "./env";

/** Process-wide settings from the environment (lib/env.ts validates them; docs/operations.md lists the defaults). */
export function dataDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ serverEnv().KEYHOLD_DATA_DIR);
}

export function databaseUrl(): string | undefined {
  return serverEnv().DATABASE_URL;
}

/** The URL users reach the console at; `https://…` makes session cookies Secure and turns on HSTS. */
export function publicUrl(): string {
  const env = serverEnv();
  return (env.KEYHOLD_PUBLIC_URL || `http://localhost:${env.PORT}`).replace(/\/$/, "");
}

/**
 * KEYHOLD_ALLOW_SERVER_IDENTITY=true lets instance administrators save dedicated managers that use the server's own
 * cloud identity (an SDK default chain). Off by default: a tenant's configuration must bring its own credentials.
 */
export function serverIdentityAllowed(): boolean {
  return serverEnv().KEYHOLD_ALLOW_SERVER_IDENTITY;
}
