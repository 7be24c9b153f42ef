import { describe, expect, it } from "vitest";
import { nodeSupport } from "../../scripts/node-support.mjs";

describe("Node.js support notice", () => {
  it("says Node 20 is supported and why the AWS SDK warns", () => {
    const r = nodeSupport("v20.20.2");
    expect(r.ok).toBe(true);
    expect(r.message).toMatch(/^Node v20\.20\.2: supported\. Keyhold is tested on Node 20/);
    expect(r.message).toContain("AWS SDK releases after January 2027 will need Node 22");
  });
  it("says newer majors are not yet proven", () => {
    expect(nodeSupport("v22.12.0").message).toMatch(/not yet proven/);
    expect(nodeSupport("v24.1.0").ok).toBe(true);
  });
  it("refuses what is too old", () => {
    expect(nodeSupport("v20.18.3")).toEqual({
      ok: false,
      message: expect.stringContaining("needs Node 20.19.0 or newer"),
    });
    expect(nodeSupport("v18.20.0").ok).toBe(false);
  });
});
