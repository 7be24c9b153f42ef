// Sums every runner's JSON report into the one line CI reads: `tests: N passed, N failed, N skipped`.
import { existsSync, readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];

for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    missing.push(file);
    continue;
  }
  const report = JSON.parse(readFileSync(file, "utf8"));
  if (report.numTotalTests !== undefined) {
    // Vitest's JSON reporter (Jest-compatible shape).
    passed += report.numPassedTests;
    failed += report.numFailedTests + (report.numFailedTestSuites ?? 0) - countFailedSuitesWithFailedTests(report);
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  } else if (report.stats) {
    // Playwright's JSON reporter.
    passed += report.stats.expected + (report.stats.flaky ?? 0);
    failed += report.stats.unexpected + (report.errors?.length ?? 0);
    skipped += report.stats.skipped;
  } else {
    missing.push(file);
  }
}

function countFailedSuitesWithFailedTests(report) {
  return (report.testResults ?? []).filter((s) => s.status === "failed" && s.assertionResults?.some((a) => a.status === "failed")).length;
}

for (const file of missing) console.log(`summary: no report from ${file} (that runner crashed or did not run)`);
failed += missing.length;
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed ? 1 : 0);
