// Sums every runner's report into the one line CI reads: `tests: N passed, N failed, N skipped`.
// Vitest and Playwright write JSON; schemathesis (and scripts/test/api-fuzz's own checks) write JUnit XML.
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
  const text = readFileSync(file, "utf8");
  if (text.trimStart().startsWith("<")) {
    const junit = countJunit(text);
    // A report that lists no test case tested nothing: that is a failure, not a pass.
    if (junit.passed + junit.failed + junit.skipped === 0) missing.push(file);
    passed += junit.passed;
    failed += junit.failed;
    skipped += junit.skipped;
    continue;
  }
  const report = JSON.parse(text);
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

/** JUnit XML: each <testcase> passes unless it holds <failure> or <error>; <skipped> skips it. */
function countJunit(xml) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  // Attribute values are quoted and may hold '>' or '/'; a test case is self-closing or has a body.
  const testcase = /<testcase\b(?:[^>"']|"[^"]*"|'[^']*')*?(?:\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const [, body = ""] of xml.matchAll(testcase)) {
    if (/<(failure|error)\b/.test(body)) counts.failed++;
    else if (/<skipped\b/.test(body)) counts.skipped++;
    else counts.passed++;
  }
  return counts;
}

function countFailedSuitesWithFailedTests(report) {
  return (report.testResults ?? []).filter(
    (s) => s.status === "failed" && s.assertionResults?.some((a) => a.status === "failed"),
  ).length;
}

for (const file of missing) console.log(`summary: no report from ${file} (that runner crashed or did not run)`);
failed += missing.length;
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed ? 1 : 0);
