import { describe, expect, it } from "vitest";
import { browserOpener, type OpenContext } from "../../../scripts/demo/open-browser";

const terminal = (more: Partial<OpenContext> = {}): OpenContext => ({
  argv: ["node", "scripts/demo.ts"],
  env: { PATH: "/usr/local/bin:/usr/bin" },
  isTTY: true,
  platform: "linux",
  executable: (file) => file === "/usr/bin/xdg-open" || file === "/usr/bin/open",
  ...more,
});

describe("npm run demo opens the browser", () => {
  it("in a terminal, with the platform's opener found on PATH", () => {
    expect(browserOpener(terminal())).toEqual({ command: "/usr/bin/xdg-open" });
    expect(browserOpener(terminal({ platform: "darwin" }))).toEqual({ command: "/usr/bin/open" });
  });

  it("not when asked not to, in CI, without a terminal, or without an opener", () => {
    expect(browserOpener(terminal({ argv: ["node", "scripts/demo.ts", "--no-open"] }))).toEqual({ skip: "--no-open" });
    expect(browserOpener(terminal({ env: { PATH: "/usr/bin", KEYHOLD_DEMO_OPEN: "0" } }))).toEqual({
      skip: "KEYHOLD_DEMO_OPEN=0",
    });
    expect(browserOpener(terminal({ env: { PATH: "/usr/bin", CI: "true" } }))).toEqual({ skip: "CI" });
    expect(browserOpener(terminal({ env: { PATH: "/usr/bin", CI: "false" } }))).toEqual({
      command: "/usr/bin/xdg-open",
    });
    expect(browserOpener(terminal({ isTTY: false }))).toEqual({ skip: "not a terminal" });
    expect(browserOpener(terminal({ executable: () => false }))).toEqual({ skip: "no xdg-open on PATH" });
    expect(browserOpener(terminal({ env: {} }))).toEqual({ skip: "no xdg-open on PATH" });
    expect(browserOpener(terminal({ platform: "win32" }))).toEqual({ skip: "no opener on win32" });
  });
});
