import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ENGINES, nodeSupport } from "../../scripts/node-support.mjs";

describe("Node.js support notice", () => {
  it("says Node 20, 22 and 24 are supported, and on 20 why the AWS SDK warns", () => {
    const r = nodeSupport("v20.20.2");
    expect(r.ok).toBe(true);
    expect(r.message).toMatch(/^Node v20\.20\.2: supported\. Keyhold is tested on Node 20, 22, 24/);
    expect(r.message).toContain("AWS SDK releases after January 2027 will need Node 22");
    for (const v of ["v22.12.0", "v22.23.5", "v24.0.0", "v24.22.3"]) {
      expect(nodeSupport(v)).toEqual({ ok: true, message: expect.stringContaining(`Node ${v}: supported.`) });
      expect(nodeSupport(v).message).not.toContain("AWS SDK");
    }
  });
  it("says untested majors are untested", () => {
    expect(nodeSupport("v25.1.0")).toEqual({ ok: true, message: expect.stringMatching(/not tested/) });
  });
  it("refuses what is too old, per major", () => {
    expect(nodeSupport("v20.18.3")).toEqual({
      ok: false,
      message: expect.stringContaining("needs Node 20.19.0 or newer"),
    });
    expect(nodeSupport("v22.11.0")).toEqual({
      ok: false,
      message: expect.stringContaining("needs Node 22.12.0 or newer"),
    });
    // Prisma 7's ranges leave out the odd majors between them.
    expect(nodeSupport("v21.7.0").ok).toBe(false);
    expect(nodeSupport("v23.11.0").ok).toBe(false);
    expect(nodeSupport("v18.20.0").ok).toBe(false);
  });
  it("package.json's engines are the same ranges", () => {
    expect(JSON.parse(readFileSync("package.json", "utf8")).engines.node).toBe(ENGINES);
  });
});
