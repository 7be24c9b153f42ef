import "server-only";
import { statSync } from "node:fs";
import lockfile from "proper-lockfile";
import { KeyholdError } from "../errors";
import { logger } from "../log";

// PGlite opens its data folder in this process only: a second process on the same folder (the CLI while the console
// runs, a second `npm start`) aborts inside PGlite's WebAssembly or damages the data. The folder's lock
// (proper-lockfile: a `<folder>.lock` directory whose holder renews its time) says so first, in words.

/** A holder renews its lock this often; one that has not for twice as long has stopped (crashed, killed). */
export const LOCK_UPDATE_MS = 5_000;
/** A lock not renewed for this long is taken over: a crashed holder's restart waits at most this long. */
export const LOCK_STALE_MS = 30_000;

/** The folder is in use by another process (its lock renewed recently): this process cannot reach the database. */
export class DataDirInUse extends KeyholdError {
  constructor(dir: string) {
    super(
      "unreachable",
      `Another Keyhold process is using the embedded database at ${dir}: stop it first (the console and the CLI take ` +
        "turns on PGlite), or run several instances on PostgreSQL (DATABASE_URL).",
    );
    this.name = "DataDirInUse";
  }
}

export interface LockTiming {
  update: number;
  stale: number;
}

/**
 * Takes `dir`'s lock, or throws `DataDirInUse` at once while another process holds it and renews it. A lock left by
 * a holder that stopped renewing is waited for until it is stale, then taken. Resolves to the release.
 */
export async function lockDataDir(
  dir: string,
  timing: LockTiming = { update: LOCK_UPDATE_MS, stale: LOCK_STALE_MS },
): Promise<() => Promise<void>> {
  const lockPath = `${dir}.lock`;
  let told = false;
  for (;;) {
    try {
      return await lockfile.lock(dir, {
        realpath: false,
        lockfilePath: lockPath,
        update: timing.update,
        stale: timing.stale,
        // The lock was taken over (this process's loop stalled longer than `stale`) or removed: say so, loudly; the
        // process keeps serving (stopping it would not undo what the other process did).
        onCompromised: (error) =>
          logger.error(
            { code: (error as NodeJS.ErrnoException).code, path: lockPath },
            "the data folder's lock was lost",
          ),
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
      let age: number;
      try {
        age = Date.now() - statSync(lockPath).mtimeMs;
      } catch {
        continue; // released meanwhile: try again
      }
      if (age < 2 * timing.update) throw new DataDirInUse(dir);
      if (!told) {
        logger.warn(
          { path: lockPath, staleInMs: Math.max(0, Math.round(timing.stale - age)) },
          "the data folder's lock was left by a process that stopped; waiting for it to expire",
        );
        told = true;
      }
      await new Promise((r) => setTimeout(r, Math.min(1_000, Math.max(50, timing.stale - age + 50))));
    }
  }
}
