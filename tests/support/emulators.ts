// Test kit: makes sure the backend emulators run, loads their settings (scripts/emulators/start.sh's env file) and
// reads them in tests (see docs/emulators.md).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export function loadEmulatorEnv(file: string): void {
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) process.env[m[1]] = m[2].replace(/^'(.*)'$/, "$1").replace(/^"(.*)"$/, "$1");
  }
  process.env.KEYHOLD_EMULATORS_ENV_FILE = file;
}

/** Starts the named emulators (reusing running ones) and loads the env file; returns its path. */
export function startEmulators(names: string[] = ["all"]): string {
  const file = execFileSync("bash", ["scripts/emulators/start.sh", ...names], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  loadEmulatorEnv(file);
  return file;
}

export function stopEmulators(names: string[] = ["all"]): void {
  execFileSync("bash", ["scripts/emulators/stop.sh", ...names], { stdio: "inherit" });
}

/** The env file start.sh writes: KEYHOLD_EMULATORS_ENV_FILE, else its default place (scripts/emulators/lib.sh). */
export function emulatorEnvFile(env: Record<string, string | undefined> = process.env): string {
  if (env.KEYHOLD_EMULATORS_ENV_FILE) return env.KEYHOLD_EMULATORS_ENV_FILE;
  const run =
    env.KEYHOLD_EMULATORS_RUN_DIR ??
    path.join(env.KEYHOLD_CACHE ?? path.join(os.homedir(), ".cache", "keyhold"), "emulators", "run");
  return path.join(run, "emulators.env");
}

/**
 * The egress entries that let a test server reach exactly the emulators (start.sh's KEYHOLD_EGRESS_ALLOW):
 * dedicated managers may not reach loopback otherwise. Empty when no emulator has been started.
 */
export function emulatorEgressAllow(env: Record<string, string | undefined> = process.env): string {
  const file = emulatorEnvFile(env);
  if (!existsSync(file)) return "";
  const vars = new Map<string, string>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) vars.set(m[1], m[2].replace(/^'(.*)'$/, "$1"));
  }
  if (vars.has("KEYHOLD_EGRESS_ALLOW")) return vars.get("KEYHOLD_EGRESS_ALLOW")!;
  // A file written by an older start.sh: the same entries, from the emulators' ports.
  const ports = ["KEYHOLD_AWS_PORT", "KEYHOLD_AZURE_PORT", "KEYHOLD_VAULT_PORT", "KEYHOLD_GCP_PORT"].map((n) =>
    vars.get(n),
  );
  const token = vars.get("KEYHOLD_AZURE_TOKEN_ENDPOINT");
  if (token) ports.push(new URL(token).port);
  return ports
    .filter(Boolean)
    .map((p) => `127.0.0.1:${p}`)
    .join(",");
}

/** One emulator setting, as scripts/emulators/start.sh exported it; throws when the emulators are not running. */
export function emulatorEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: the backend emulators are not running. Run 'npm run test:emulator' (its global setup starts them) or 'bash scripts/emulators/start.sh all'.`,
    );
  }
  return value;
}

export const emulatorsDisabled = process.env.KEYHOLD_SKIP_EMULATORS === "1";
