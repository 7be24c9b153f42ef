// PGlite opens its data folder in one process only. The folder's lock (lib/db/data-lock.ts) refuses a second opener
// at once, in words, while the holder renews it; a lock whose holder stopped renewing (crashed, killed) is taken once it
// is stale; closing the driver releases it. The CLI's side (a process of its own) is in tests/bin/keyhold.db.test.ts.
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DataDirInUse, lockDataDir } from "../../lib/db/data-lock";
import { openDriver } from "../../lib/db/driver";

const work = mkdtempSync(path.join(tmpdir(), "keyhold-lock-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const folder = () => mkdtempSync(path.join(work, "data-"));

// Short times, so a stale lock is seen within the test: renewed every second, stale after 2.5 s.
const FAST = { update: 1_000, stale: 2_500 };

/** A lock directory as a holder that stopped `ageMs` ago left it. */
function leftLock(dir: string, ageMs: number) {
  mkdirSync(`${dir}.lock`);
  const then = new Date(Date.now() - ageMs);
  utimesSync(`${dir}.lock`, then, then);
}

describe("the PGlite data folder's lock", () => {
  it("a second driver on a folder in use is refused at its first statement, by name; the first keeps working", async () => {
    const dataDir = folder();
    const first = openDriver({ dataDir });
    await first.exec("CREATE TABLE t (n int); INSERT INTO t VALUES (1)");
    const second = openDriver({ dataDir });
    const started = Date.now();
    const refused = await second.query("SELECT 1").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DataDirInUse);
    expect((refused as Error).message).toBe(
      `Another Keyhold process is using the embedded database at ${path.join(dataDir, "db")}: stop it first (the ` +
        "console and the CLI take turns on PGlite), or run several instances on PostgreSQL (DATABASE_URL).",
    );
    // At once: a holder renewing its lock is not waited for.
    expect(Date.now() - started).toBeLessThan(1_000);
    await second.close();
    expect(await first.query<{ n: number }>("SELECT n FROM t")).toEqual([{ n: 1 }]);
    await first.close();
  });

  it("closing the driver releases the folder: the next driver opens it and finds the data", async () => {
    const dataDir = folder();
    const first = openDriver({ dataDir });
    await first.exec("CREATE TABLE t (n int); INSERT INTO t VALUES (7)");
    expect(existsSync(path.join(dataDir, "db.lock"))).toBe(true);
    await first.close();
    expect(existsSync(path.join(dataDir, "db.lock"))).toBe(false);
    const next = openDriver({ dataDir });
    expect(await next.query<{ n: number }>("SELECT n FROM t")).toEqual([{ n: 7 }]);
    await next.close();
  });

  it("refuses a lock renewed within twice the renewal time, at once", async () => {
    const dir = path.join(folder(), "db");
    mkdirSync(dir);
    leftLock(dir, 500);
    await expect(lockDataDir(dir, FAST)).rejects.toBeInstanceOf(DataDirInUse);
  });

  it("waits for a lock its holder stopped renewing until it is stale, then takes it", async () => {
    const dir = path.join(folder(), "db");
    mkdirSync(dir);
    leftLock(dir, 2_100); // not renewed for over two renewals, not stale for another 400 ms
    const started = Date.now();
    const release = await lockDataDir(dir, FAST);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(300);
    expect(waited).toBeLessThan(2_000);
    // Held now: another taker is refused.
    await expect(lockDataDir(dir, FAST)).rejects.toBeInstanceOf(DataDirInUse);
    await release();
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });

  it("takes a stale lock at once", async () => {
    const dir = path.join(folder(), "db");
    mkdirSync(dir);
    leftLock(dir, 60_000);
    const started = Date.now();
    const release = await lockDataDir(dir, FAST);
    expect(Date.now() - started).toBeLessThan(500);
    await release();
  });
});
