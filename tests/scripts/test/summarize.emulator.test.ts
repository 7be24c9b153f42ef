import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const dir = mkdtempSync(path.join(os.tmpdir(), "keyhold-summary-"));
const file = (name: string, text: string) => {
  writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};
const summarize = (...files: string[]) => {
  const run = spawnSync(process.execPath, ["scripts/test/summarize.mjs", ...files], { encoding: "utf8" });
  return { line: run.stdout.trim().split("\n").at(-1), status: run.status };
};

describe("the summary line", () => {
  const vitest = file(
    "vitest.json",
    JSON.stringify({ numTotalTests: 3, numPassedTests: 3, numFailedTests: 0, numPendingTests: 0, testResults: [] }),
  );
  const junit = file(
    "schemathesis.xml",
    `<?xml version="1.0"?><testsuites><testsuite name="s">
      <testcase name="GET /api/health" time="0.2" />
      <testcase name="GET /api/a>b" time="1"><failure message="Server error: 500 on GET /api/a?x=/&gt;">curl -X GET …</failure></testcase>
      <testcase name="viewer"><error type="x"/></testcase>
      <testcase name='skipped one'><skipped/></testcase>
      <testcase name="GET /api/tenants/{tenant}/secrets"></testcase>
    </testsuite></testsuites>`,
  );

  it("counts each JUnit test case (schemathesis's operations, the fuzz run's checks) next to the JSON reports", () => {
    expect(summarize(vitest, junit)).toEqual({ line: "tests: 5 passed, 2 failed, 1 skipped", status: 1 });
    expect(
      summarize(vitest, file("ok.xml", '<testsuites><testsuite><testcase name="a"/></testsuite></testsuites>')),
    ).toEqual({ line: "tests: 4 passed, 0 failed", status: 0 });
  });

  it("counts a missing report, or one that lists no test case, as a failure (schemathesis not installed, the build failed)", () => {
    expect(summarize(vitest, path.join(dir, "absent.xml")).line).toBe("tests: 3 passed, 1 failed");
    expect(summarize(vitest, file("empty.xml", '<?xml version="1.0"?><testsuites tests="0"></testsuites>')).line).toBe(
      "tests: 3 passed, 1 failed",
    );
  });
});
