// `npm run db:schema-sql`: prints the SQL that `prisma migrate diff --from-empty --to-schema` would print,
// computed offline by Prisma's WebAssembly schema engine. Use it to write a new migration by hand where
// `prisma migrate dev --create-only` cannot run; tests/db/schema-match.db.test.ts then proves the result matches.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

const require = createRequire(import.meta.url);
const wasmDir = path.dirname(require.resolve("@prisma/schema-engine-wasm"));
const runtime = await import(path.join(wasmDir, "schema_engine_bg.js"));
const instance = new WebAssembly.Instance(
  new WebAssembly.Module(readFileSync(path.join(wasmDir, "schema_engine_bg.wasm"))),
  {
    "./schema_engine_bg.js": runtime,
  },
);
runtime.__wbg_set_wasm(instance.exports);
(instance.exports.__wbindgen_start as () => void)();

const schema = readFileSync("prisma/schema.prisma", "utf8");
// The engine wants a database to start; an in-memory PGlite is enough, and nothing is written to it.
const memory = new PGlite({ extensions: { pg_trgm } });
const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(memory));
const engine = await runtime.SchemaEngine.new({ datamodels: [["schema.prisma", schema]] }, () => {}, adapter);
const result = await engine.diff({
  from: { tag: "empty" },
  to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: schema }] },
  script: true,
  exitCode: null,
  filters: { externalTables: [], externalEnums: [] },
});
process.stdout.write(result.stdout ?? "");
await memory.close();
