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
