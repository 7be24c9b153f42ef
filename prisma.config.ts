import { defineConfig } from "prisma/config";

// The CLI is used offline for `generate` only; Keyhold applies migrations itself (lib/db/migrator.ts).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
