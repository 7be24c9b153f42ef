import "server-only";
import { loadConfigFile, type ConfigFileResult } from "./config-file";

const holder = globalThis as unknown as { __keyholdConfig?: ConfigFileResult };

/** The configuration file, read once per process (start-up validates it and stops on error). */
export function globalConfig(): ConfigFileResult {
  holder.__keyholdConfig ??= loadConfigFile();
  return holder.__keyholdConfig;
}
