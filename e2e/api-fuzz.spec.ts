import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { act, BASE_URL, ensureNamespace, ensureTenant } from "./auth-helpers";
import { expect, test } from "./fixtures";

// Issue 8, section 6: schemathesis (PyPI, installed by scripts/test/schemathesis.sh) fuzzes every route handler of this
// production build from the OpenAPI description the code generates, signed in as the administrator: 0 server errors
// and every answer as the description says.
const SCHEMATHESIS = process.env.KEYHOLD_SCHEMATHESIS ?? path.join(os.homedir(), ".cache/keyhold/schemathesis/venv/bin/schemathesis");

test("schemathesis: every route handler, signed in, answers without a server error and as its OpenAPI description says", async ({ page }) => {
  test.setTimeout(300_000);
  expect(existsSync(SCHEMATHESIS), `schemathesis is not installed at ${SCHEMATHESIS} (bash scripts/test/schemathesis.sh)`).toBe(true);
  // Data for the routes to find: a tenant, a namespace and a builtin secret.
  await ensureTenant(page.request, "apifuzz");
  await ensureNamespace(page.request, "apifuzz", "company.team");
  await act(page.request, "createSecret", { tenant: "apifuzz", namespace: "company", key: "API_FUZZ", value: "fuzz-value", description: "seeded", tags: [] });
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const dir = path.join("test-results", `schemathesis-${process.env.KEYHOLD_E2E_LABEL ?? "pglite"}`);
  mkdirSync(dir, { recursive: true });
  const run = spawnSync(
    SCHEMATHESIS,
    [
      "run", `${BASE_URL}/api/openapi.json`,
      "--checks", "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance",
      "--header", `Cookie: ${cookie}`,
      "--max-examples", "15",
      "--max-time", "180",
      "--seed", "8",
      "--report", "junit", "--report-junit-path", path.join(dir, "junit.xml"),
      "--no-color",
    ],
    { encoding: "utf8", timeout: 240_000, env: { ...process.env, SCHEMATHESIS_TELEMETRY: "false" } },
  );
  const output = `${run.stdout}\n${run.stderr}`;
  const generated = /(\d+) generated/.exec(output)?.[1];
  console.log(`[schemathesis] ${generated ?? "?"} requests generated; exit ${run.status}; report ${dir}/junit.xml`);
  expect(run.status, output.slice(-4000)).toBe(0);
  expect(Number(generated)).toBeGreaterThan(100);
  expect(output).not.toContain("Authentication failed");
  expect(readFileSync(path.join(dir, "junit.xml"), "utf8")).not.toContain("<failure");
});
