// Test kit: a private PostgreSQL 15 cluster (Debian's binaries) on a loopback port, in a temporary folder, for tests
// that restart or stop the server: the shared server other tests use is never touched.
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { userInfo } from "node:os";
import path from "node:path";

const BIN = "/usr/lib/postgresql/15/bin";

/** Whether this machine can run one: the binaries, and (as root) a `postgres` user to run them as. */
export const privatePostgresAvailable = existsSync(`${BIN}/initdb`) && existsSync("/usr/sbin/runuser");

export interface PrivatePostgres {
  url: string;
  /** pg_ctl restart -m fast, without blocking the event loop (connections see the server's goodbye as they would). */
  restart(): Promise<void>;
  stop(): void;
}

export function startPrivatePostgres(port: number): PrivatePostgres {
  const dir = mkdtempSync("/tmp/keyhold-pg-");
  const root = userInfo().uid === 0;
  if (root) chownSync(dir, Number(execFileSync("id", ["-u", "postgres"]).toString()), 0);
  // initdb and postgres refuse to run as root.
  const command = (bin: string, args: string[]): [string, string[]] =>
    root ? ["/usr/sbin/runuser", ["-u", "postgres", "--", `${BIN}/${bin}`, ...args]] : [`${BIN}/${bin}`, args];
  const run = (bin: string, args: string[]) => execFileSync(...command(bin, args), { stdio: "pipe", timeout: 60_000 });
  const data = path.join(dir, "data");
  run("initdb", ["-D", data, "-U", "keyhold", "--auth=trust", "-E", "UTF8"]);
  const ctlArgs = (...args: string[]) => [
    "-D",
    data,
    "-l",
    path.join(dir, "log"),
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
    "-w",
    ...args,
  ];
  const ctl = (...args: string[]) => run("pg_ctl", ctlArgs(...args));
  ctl("start");
  return {
    url: `postgres://keyhold@127.0.0.1:${port}/postgres`,
    restart: async () => {
      await promisify(execFile)(...command("pg_ctl", ctlArgs("-m", "fast", "restart")), { timeout: 60_000 });
    },
    stop: () => {
      try {
        ctl("-m", "immediate", "stop");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
