// Test-only: the emulators' settings, as scripts/emulators/start.sh exported them (see docs/emulators.md).
export function emulatorEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: the backend emulators are not running. Run 'npx vitest' (its global setup starts them) or 'bash scripts/emulators/start.sh all'.`);
  }
  return value;
}

export const emulatorsDisabled = process.env.KEYHOLD_SKIP_EMULATORS === "1";
