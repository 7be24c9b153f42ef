// A Keyhold process that saves one configuration (tests/db/postgres-faults.db.test.ts runs it and kills it with
// SIGKILL at the test hook inside the save's transaction). Input: DATABASE_URL, KEYHOLD_ENCRYPTION_KEY, and argv:
// tenant id, namespace path, JSON of the configuration document, expected version.
import { openDriver } from "../../lib/db/driver";
import { PrismaClient } from "../../lib/db/generated/client";
import { saveConfig } from "../../lib/managers/config-store";
import { resolveScope } from "../../lib/managers/scope";

const [tenantId, namespace, document, expected] = process.argv.slice(2);
const driver = openDriver({ databaseUrl: process.env.DATABASE_URL, dataDir: "/nonexistent" });
const prisma = new PrismaClient({ adapter: driver.adapter });
const scope = await resolveScope(prisma, tenantId, namespace);
await saveConfig(
  prisma,
  scope,
  { expectedVersion: Number(expected), enabled: true, document: JSON.parse(document), keepCredentials: [] },
  "child-process",
);
process.stdout.write("saved\n");
await prisma.$disconnect();
await driver.close();
