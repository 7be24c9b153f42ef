// Test kit: the environment that makes a Node process preload the loopback guard (tests/support/loopback-guard.cjs).
// Vitest's setup, the Playwright configuration and the API fuzzing's server use it, so every Node process of a test run
// (test workers, `next start`, the CLI) refuses lookups and connections outside loopback. Paths are from the repository
// root, where every runner starts.
import path from "node:path";

export const LOOPBACK_PRELOAD = `--require=${path.resolve("tests/support/loopback-guard.cjs")}`;

/** NODE_OPTIONS with the guard's preload added (once) and the switch that turns it on. */
export function loopbackGuardEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const options = env.NODE_OPTIONS ?? "";
  return {
    NODE_OPTIONS: options.includes(LOOPBACK_PRELOAD) ? options : [options, LOOPBACK_PRELOAD].filter(Boolean).join(" "),
    KEYHOLD_TEST_LOOPBACK_ONLY: "1",
  };
}
