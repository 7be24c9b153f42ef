// start.sh must never call a starting emulator dead. Its child is a copy of the shell until it execs
// (setsid, then the server); here that moment comes 0-300 ms late, so a wait loop that reads the
// command line fails at once, while one that waits for the server and the recorded pid passes.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const SCRIPTS = path.resolve("scripts/emulators");
const RUNS = 50;

// An exported shell function shadows setsid inside start.sh: it delays the exec, as a busy machine does.
const SLOW_SETSID = `setsid() { echo "$BASHPID" >>"$KH_TEST_SPAWNED"; sleep "$KH_TEST_EXEC_DELAY"; exec setsid "$@"; }
export -f setsid
exec bash "$1"/start.sh gcp`;

const runDir = mkdtempSync(path.join(os.tmpdir(), "keyhold-start-test-"));
const spawnedLog = path.join(runDir, "spawned.pids");

async function freePort(): Promise<number> {
  // Below the ephemeral range like start.sh's own ports, and away from the default ones (24xxx).
  for (;;) {
    const port = 25_000 + Math.floor(Math.random() * 5_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer().once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};
const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
};
const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net
      .connect(port, "127.0.0.1", () => (socket.destroy(), resolve(true)))
      .once("error", () => resolve(false));
  });

// Stops what this test spawned (by pid), even a process that a broken wait loop left starting.
function killSpawned() {
  const pids = existsSync(spawnedLog) ? readFileSync(spawnedLog, "utf8").split("\n").filter(Boolean).map(Number) : [];
  for (const pid of pids)
    if (alive(pid) && /gcp-sm-fake|start\.sh gcp/.test(cmdline(pid))) process.kill(pid, "SIGKILL");
}

afterAll(() => {
  killSpawned();
  rmSync(runDir, { recursive: true, force: true });
});

describe("scripts/emulators/start.sh", () => {
  it(`starts an emulator ${RUNS} times in a row while its exec comes 0-300 ms late, with no false failure`, async () => {
    const port = await freePort();
    const env = {
      ...process.env,
      KEYHOLD_EMULATORS_RUN_DIR: runDir,
      KEYHOLD_GCP_PORT: String(port),
      // The fake's IAM Credentials listener too, so that it never meets the shared emulators' port.
      KEYHOLD_GCP_IAM_PORT: String(await freePort()),
      KEYHOLD_EMULATOR_TIMEOUT: "20",
      KH_TEST_SPAWNED: spawnedLog,
    };
    const failures: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const delay = (Math.random() * 0.3).toFixed(3);
      try {
        const { stdout } = await run("bash", ["-c", SLOW_SETSID, "start-test", SCRIPTS], {
          env: { ...env, KH_TEST_EXEC_DELAY: delay },
        });
        const pid = Number(readFileSync(path.join(runDir, "gcp.pid"), "utf8"));
        // Ready means: the recorded process runs the emulator and answers on its port.
        expect(stdout.trim()).toBe(path.join(runDir, "emulators.env"));
        expect(readFileSync(stdout.trim(), "utf8")).toContain(`export KEYHOLD_GCP_PORT=${port}`);
        expect(cmdline(pid)).toContain("gcp-sm-fake");
        expect(await answers(port)).toBe(true);
      } catch (error) {
        const e = error as { stderr?: string; message: string };
        const said = (e.stderr ?? e.message)
          .split("\n")
          .filter((l) => /exited|not ready|in use|ERROR|expected/i.test(l));
        failures.push(`run ${i + 1} (exec ${delay}s late): ${said.join(" | ")}`);
        killSpawned();
      } finally {
        await run("bash", [path.join(SCRIPTS, "stop.sh"), "gcp"], { env }).catch(() => undefined);
      }
    }
    expect(failures).toEqual([]);
    // Every run really went through the slow spawn.
    expect(readFileSync(spawnedLog, "utf8").split("\n").filter(Boolean)).toHaveLength(RUNS);
    expect(await answers(port)).toBe(false);
  }, 120_000);
});
