// `npm test`'s static checks: types, lint and formatting, each a test case in a JUnit report that
// scripts/test/summarize.mjs counts, so a lint error fails CI like a failing test does.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const CHECKS = [
  ["types (tsc --noEmit)", "npx", ["tsc", "--noEmit", "-p", "tsconfig.json"]],
  ["lint (eslint, no warnings)", "npx", ["eslint", ".", "--max-warnings=0"]],
  ["formatting (prettier --check)", "npx", ["prettier", "--check", "--log-level=warn", "."]],
];

const out = process.argv[2] ?? "test-results/summary/static-checks.xml";
const escape = (s) => s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]);
// Control characters (ANSI colours) are not allowed in XML 1.0.
const clean = (s) => s.replace(/\x1b\[[0-9;]*m/g, "").replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, "");

const cases = [];
let failed = 0;
for (const [name, command, args] of CHECKS) {
  const started = Date.now();
  const run = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const output = clean(`${run.stdout ?? ""}${run.stderr ?? ""}`).trim();
  const ok = run.status === 0;
  console.log(`${ok ? "✓" : "✗"} ${name} (${seconds} s)`);
  if (!ok) {
    failed++;
    console.log(output.split("\n").slice(-60).join("\n"));
  }
  const body = ok ? "" : `<failure message="${escape(name)} failed">${escape(output.slice(-20000))}</failure>`;
  cases.push(`  <testcase classname="static" name="${escape(name)}" time="${seconds}">${body}</testcase>`);
}

mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(
  out,
  `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="static checks" tests="${cases.length}" failures="${failed}">\n${cases.join("\n")}\n</testsuite>\n`,
);
process.exit(failed ? 1 : 0);
