// Vitest global setup: makes sure the backend emulators run (scripts/emulators/start.sh) and exports
// their settings to the test workers. `npm test` starts them itself and passes KEYHOLD_EMULATORS_ENV_FILE.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

let startedHere = false;

function load(file: string) {
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) process.env[m[1]] = m[2].replace(/^'(.*)'$/, "$1").replace(/^"(.*)"$/, "$1");
  }
  process.env.KEYHOLD_EMULATORS_ENV_FILE = file;
}

export default function setup() {
  if (process.env.KEYHOLD_SKIP_EMULATORS === "1") return;
  let file = process.env.KEYHOLD_EMULATORS_ENV_FILE;
  if (!file) {
    file = execFileSync("bash", ["scripts/emulators/start.sh", "all"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
    startedHere = true;
  }
  load(file);
  return () => {
    if (startedHere && process.env.KEYHOLD_KEEP_EMULATORS !== "1") {
      execFileSync("bash", ["scripts/emulators/stop.sh", "all"], { stdio: "inherit" });
    }
  };
}
