// Vitest global setup: makes sure the backend emulators run and exports their settings to the test
// workers. `npm test` starts them itself and passes KEYHOLD_EMULATORS_ENV_FILE.
import { loadEmulatorEnv, startEmulators, stopEmulators } from "./emulators";

export default function setup() {
  if (process.env.KEYHOLD_SKIP_EMULATORS === "1") return;
  const given = process.env.KEYHOLD_EMULATORS_ENV_FILE;
  if (given) {
    loadEmulatorEnv(given);
    return;
  }
  startEmulators();
  // Left running for the next run (and for anyone testing beside you); npm test stops them at the end.
  return () => {
    if (process.env.KEYHOLD_STOP_EMULATORS === "1") stopEmulators();
  };
}
