import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: {
    alias: {
      // lib/ modules guard against client bundling with `server-only`; tests run them on the server.
      "server-only": path.resolve("scripts/test/server-only-stub.ts"),
      "@": path.resolve("."),
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "components/**/*.test.ts", "scripts/**/*.test.ts", "tests/**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    globalSetup: ["scripts/test/emulators-setup.ts"],
  },
});
