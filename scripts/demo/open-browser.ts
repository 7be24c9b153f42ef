// `npm run demo` opens the console in the browser when a person runs it in a terminal: stdout is a TTY, the platform
// has an opener (`open` on macOS, `xdg-open` elsewhere) and neither `--no-open`, `KEYHOLD_DEMO_OPEN=0` nor CI says
// otherwise. Never in tests or CI (e2e/demo.spec.ts runs the demo with stdout a pipe).
import { accessSync, constants } from "node:fs";
import path from "node:path";

export interface OpenContext {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  isTTY: boolean;
  platform: NodeJS.Platform;
  /** Whether an executable file exists at this path (injected by the tests). */
  executable?: (file: string) => boolean;
}

const isExecutable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The opener command to run with the URL, or why the browser is not opened. */
export function browserOpener(ctx: OpenContext): { command: string } | { skip: string } {
  if (ctx.argv.includes("--no-open")) return { skip: "--no-open" };
  if (ctx.env.KEYHOLD_DEMO_OPEN === "0") return { skip: "KEYHOLD_DEMO_OPEN=0" };
  if (ctx.env.CI && ctx.env.CI !== "false" && ctx.env.CI !== "0") return { skip: "CI" };
  if (!ctx.isTTY) return { skip: "not a terminal" };
  const name = ctx.platform === "darwin" ? "open" : ctx.platform === "win32" ? null : "xdg-open";
  if (!name) return { skip: `no opener on ${ctx.platform}` };
  const executable = ctx.executable ?? isExecutable;
  for (const dir of (ctx.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, name);
    if (executable(file)) return { command: file };
  }
  return { skip: `no ${name} on PATH` };
}
