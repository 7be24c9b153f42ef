import { spawn } from "node:child_process";
import path from "node:path";
import { expect, test } from "./fixtures";

// On PGlite the console holds its data folder: a second console started on the same folder (a second `npm start`, a
// restart while the first still runs) stops at start-up saying so, instead of aborting inside PGlite or damaging the
// data, and the first keeps serving. PostgreSQL takes several instances (e2e/instances.spec.ts).
const PORT = Number(process.env.KEYHOLD_E2E_PORT ?? 3100) + 1;

test.skip(!!process.env.DATABASE_URL, "PGlite only: PostgreSQL serves several instances");

test("a second console on the same PGlite folder stops at start-up; the first keeps serving", async ({ page }) => {
  const dataDir = process.env.KEYHOLD_E2E_DATA_DIR!;
  const child = spawn("node", ["scripts/start.mjs"], {
    env: { ...process.env, PORT: String(PORT), KEYHOLD_DATA_DIR: dataDir, DATABASE_URL: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  expect(code).toBe(1);
  expect(output).toContain(
    `Keyhold cannot start:\nAnother Keyhold process is using the embedded database at ${path.join(dataDir, "db")}: stop it first`,
  );
  expect(output).not.toContain("RuntimeError");

  // The suite's console still answers from the folder.
  await page.goto("/");
  await expect(page.getByLabel("Tenant id")).toBeVisible();
});
