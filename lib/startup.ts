import "server-only";
import { closeDb, db, dbDriver } from "./db/client";
import { initEncryption } from "./crypto";
import { globalConfig } from "./config/global";
import { configFilePath } from "./config/config-file";
import { logger } from "./log";
import { dataDir } from "./settings";
import { serverEnv } from "./env";
import { ensureAdminFromEnv } from "./auth/first-admin";
import { rebindLegacyCredentials } from "./managers/credential-binding";
import { instanceEgressPolicy } from "./net/egress-settings";

/** Runs once when the server starts: configuration file, encryption key, migrations. Throws to stop start-up. */
export async function startup(): Promise<void> {
  // A bad or unknown value of a Keyhold variable stops start-up here, naming the variable.
  serverEnv();
  const config = globalConfig();
  for (const warning of config.warnings) logger.warn({ file: configFilePath().file }, `configuration file: ${warning}`);
  // A bad KEYHOLD_EGRESS_ALLOW / KEYHOLD_EGRESS_DENY entry stops start-up here, naming the variable and the entry.
  const egress = instanceEgressPolicy();
  const { keyId } = initEncryption();
  const prisma = await db();
  const admin = await ensureAdminFromEnv(prisma);
  await rebindLegacyCredentials(prisma);
  const driver = dbDriver();
  logger.info(
    {
      database: driver.kind,
      location: driver.location,
      dataDir: dataDir(),
      encryptionKey: keyId,
      firstAdmin: admin,
      globalBackend: config.backend ? `${config.backend.settings.type} (${config.backend.file})` : "builtin",
      egressRules: egress.rules.length,
    },
    "Keyhold is ready",
  );
}

export async function shutdown(): Promise<void> {
  await closeDb();
}

/** Called by instrumentation.ts: start, or explain why not and exit. */
export async function boot(): Promise<void> {
  // scripts/start.mjs calls this on SIGINT/SIGTERM so the database closes before exit.
  (globalThis as Record<symbol, unknown>)[Symbol.for("keyhold.shutdown")] = shutdown;
  try {
    await startup();
  } catch (error) {
    console.error(`Keyhold cannot start:\n${(error as Error).message}`);
    process.exit(1);
  }
}
