import "server-only";
import { PrismaClient } from "./generated/client";
import { openDriver, type Driver } from "./driver";
import { migrate } from "./migrator";
import { dataDir, databaseUrl } from "../settings";

interface DbState {
  driver: Driver;
  prisma: PrismaClient;
  ready: Promise<void>;
}

// One client per process, kept on globalThis so module reloads and route bundles share it.
const holder = globalThis as unknown as { __keyholdDb?: DbState };

function open(): DbState {
  const driver = openDriver({ databaseUrl: databaseUrl(), dataDir: dataDir() });
  const prisma = new PrismaClient({ adapter: driver.adapter });
  const ready = migrate(driver).then(() => undefined);
  return { driver, prisma, ready };
}

function state(): DbState {
  holder.__keyholdDb ??= open();
  return holder.__keyholdDb;
}

/** The Prisma client, after pending migrations have been applied. */
export async function db(): Promise<PrismaClient> {
  const s = state();
  await s.ready;
  return s.prisma;
}

/** The driver under `prisma` when it is this process's client (already opened), else null (e.g. a test's own client). */
export async function driverOf(prisma: PrismaClient): Promise<Driver | null> {
  const s = holder.__keyholdDb;
  if (!s || s.prisma !== prisma) return null;
  await s.ready;
  return s.driver;
}

export function dbDriver(): Driver {
  return state().driver;
}

export async function closeDb(): Promise<void> {
  const s = holder.__keyholdDb;
  if (!s) return;
  holder.__keyholdDb = undefined;
  await s.ready.catch(() => undefined);
  await s.prisma.$disconnect();
  await s.driver.close();
}
