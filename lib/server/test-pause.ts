import "server-only";

/**
 * A test hook, inert in production builds (Next.js inlines NODE_ENV there, so the code is dropped): when the
 * tests' own KEYHOLD_TEST_PAUSE_AT names `point`, the process says so on stderr and waits, so that a test can kill it
 * there (tests/db/postgres-faults.db.test.ts kills a save of a configuration inside its transaction). Like the other
 * test variables it is not in lib/env.ts. Points: `config-save` (lib/managers/config-store.ts, before the commit).
 */
export async function testPause(point: string): Promise<void> {
  if (process.env.NODE_ENV === "production" || process.env.KEYHOLD_TEST_PAUSE_AT !== point) return;
  process.stderr.write(`KEYHOLD_TEST_PAUSED ${point}\n`);
  await new Promise((resolve) => setTimeout(resolve, 30_000));
}
