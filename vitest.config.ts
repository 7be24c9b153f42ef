import { configDefaults, defineConfig } from "vitest/config";
import os from "node:os";
import path from "node:path";

// One project per test tier, named by the file name (docs/architecture.md, "Tests"):
// unit `*.test.ts` (pure), db `*.db.test.ts` (PGlite and PostgreSQL), emulator `*.emulator.test.ts` (servers, processes).
const DB = "tests/**/*.db.test.ts";
const EMULATOR = "tests/**/*.emulator.test.ts";

export default defineConfig({
  resolve: {
    alias: {
      // lib/ modules guard against client bundling with `server-only`; tests run them on the server.
      "server-only": path.resolve("tests/support/server-only-stub.ts"),
      "@": path.resolve("."),
    },
  },
  test: {
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Vitest's default is one worker per core but one (2 cores: a single worker, every file in turn). The unit and db
    // files mostly wait on PostgreSQL, PGlite's files and child processes, so three run at once; more cores keep
    // Vitest's default. The emulator files stay one at a time (below).
    maxWorkers: Math.max(3, os.availableParallelism() - 1),
    // Tests reach loopback addresses only: a lookup or connection elsewhere is refused in every test process.
    setupFiles: ["tests/support/loopback-setup.ts"],
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["tests/**/*.test.ts"], exclude: [...configDefaults.exclude, DB, EMULATOR] },
      },
      { extends: true, test: { name: "db", include: [DB] } },
      // Only this tier needs the backend emulators: its global setup starts them (or reuses KEYHOLD_EMULATORS_ENV_FILE's).
      {
        extends: true,
        // One file at a time, after the others: the files share the emulators' state (one moto, one Azure vault, one
        // OpenBao). Run three at once, four tests of tests/secrets/lifecycle and tests/backends/capabilities found the
        // Azure and AWS secrets they had just written changed or gone.
        test: {
          name: "emulator",
          include: [EMULATOR],
          globalSetup: ["tests/support/emulators-setup.ts"],
          maxWorkers: 1,
        },
      },
    ],
  },
});
