// `npm run db:migrate`: applies pending migrations to the configured database (DATABASE_URL or the PGlite data folder).
import { openDriver } from "../lib/db/driver";
import { migrate } from "../lib/db/migrator";
import { dataDir, databaseUrl } from "../lib/settings";

const driver = openDriver({ databaseUrl: databaseUrl(), dataDir: dataDir() });
try {
  const applied = await migrate(driver);
  console.log(
    applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}` : "The database is up to date.",
  );
  console.log(`Database: ${driver.kind} at ${driver.location}`);
} catch (error) {
  console.error(`Migration failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await driver.close();
}
