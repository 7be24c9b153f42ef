// Test-only: makes sure the backend emulators run and loads their settings (scripts/emulators/start.sh's env file).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

export function loadEmulatorEnv(file: string): void {
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) process.env[m[1]] = m[2].replace(/^'(.*)'$/, "$1").replace(/^"(.*)"$/, "$1");
  }
  process.env.KEYHOLD_EMULATORS_ENV_FILE = file;
}

/** Starts the named emulators (reusing running ones) and loads the env file; returns its path. */
export function startEmulators(names: string[] = ["all"]): string {
  const file = execFileSync("bash", ["scripts/emulators/start.sh", ...names], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  loadEmulatorEnv(file);
  return file;
}

export function stopEmulators(names: string[] = ["all"]): void {
  execFileSync("bash", ["scripts/emulators/stop.sh", ...names], { stdio: "inherit" });
}
