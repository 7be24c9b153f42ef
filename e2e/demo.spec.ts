import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import readline from "node:readline";
import { demoDataSet, demoNamespaces, DEMO_TENANT } from "../scripts/demo/data-set";
import { expect, test } from "./fixtures";

// `npm run demo` as a newcomer runs it: its own emulators (seeded), its own PGlite database, its own console. It always
// runs on PGlite, so it is checked once, in the PGlite run. Ports: the console next to the suite's, the emulators on a
// block of their own (KEYHOLD_E2E_DEMO_*_PORT to move them).
test.skip((process.env.KEYHOLD_E2E_LABEL ?? "pglite") !== "pglite", "the demo runs on PGlite only");
test.describe.configure({ mode: "serial" });

const port = Number(process.env.KEYHOLD_E2E_DEMO_PORT ?? Number(process.env.KEYHOLD_E2E_PORT ?? 3100) + 1);
const emulatorPorts = {
  KEYHOLD_MOTO_PORT: process.env.KEYHOLD_E2E_DEMO_MOTO_PORT ?? "26566",
  KEYHOLD_AZURE_PORT: process.env.KEYHOLD_E2E_DEMO_AZURE_PORT ?? "26443",
  KEYHOLD_AZURE_TOKEN_PORT: process.env.KEYHOLD_E2E_DEMO_AZURE_TOKEN_PORT ?? "26480",
  KEYHOLD_VAULT_PORT: process.env.KEYHOLD_E2E_DEMO_VAULT_PORT ?? "26200",
  KEYHOLD_GCP_PORT: process.env.KEYHOLD_E2E_DEMO_GCP_PORT ?? "26085",
  // Set too, or an exported KEYHOLD_GCP_IAM_PORT (the suite's own emulators) would be taken twice.
  KEYHOLD_GCP_IAM_PORT: process.env.KEYHOLD_E2E_DEMO_GCP_IAM_PORT ?? "26087",
};
const url = `http://localhost:${port}`;

let demo: ChildProcess;
let dir: string;
let output = "";
let login: { email: string; password: string };

const listening = (p: string) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(Number(p), "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  dir = mkdtempSync(path.join(tmpdir(), "keyhold-demo-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...emulatorPorts,
    PORT: String(port),
    KEYHOLD_DEMO_DIR: dir,
  };
  for (const name of ["DATABASE_URL", "KEYHOLD_EMULATORS_ENV_FILE", "KEYHOLD_EMULATORS_RUN_DIR", "KEYHOLD_DATA_DIR"])
    delete env[name];
  demo = spawn("npm", ["run", "--silent", "demo"], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  demo.stderr!.on("data", (chunk) => (output += chunk));
  const ready = new Promise<void>((resolve, reject) => {
    readline.createInterface({ input: demo.stdout! }).on("line", (line) => {
      output += `${line}\n`;
      const signIn = /^ {2}Sign in: {2}(\S+) \/ (\S+)$/.exec(line);
      if (signIn) login = { email: signIn[1], password: signIn[2] };
      if (line.includes("Ctrl-C stops the console and the emulators")) resolve();
    });
    demo.once("exit", (code) => reject(new Error(`npm run demo exited (${code}) before it was ready:\n${output}`)));
  });
  await ready;
});

/** Ctrl-C: the terminal sends SIGINT to the whole foreground group (npm, the demo, the console). */
async function ctrlC(): Promise<void> {
  if (output.includes("[demo] stopped.")) return;
  try {
    process.kill(-demo.pid!, "SIGINT");
  } catch {
    return; // Already gone.
  }
  await expect.poll(() => output, { timeout: 30_000 }).toContain("[demo] stopped.");
}

test.afterAll(async () => {
  if (demo) await ctrlC();
  rmSync(dir, { recursive: true, force: true });
});

test("the demo serves the console, and each backend lists its seeded secrets", async ({ browser }) => {
  test.setTimeout(180_000);
  expect(output).toContain(`Console:  ${url}/tenants/${DEMO_TENANT}`);
  const context = await browser.newContext({ baseURL: url, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  try {
    await page.goto("/login");
    await page.getByRole("textbox", { name: "Email", exact: true }).fill(login.email);
    await page.getByRole("textbox", { name: "Password", exact: true }).fill(login.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("signed-in-as")).toHaveText(login.email);

    const set = demoDataSet();
    for (const n of demoNamespaces()) {
      await page.goto(`/tenants/${DEMO_TENANT}/namespaces/${n.namespace}/secrets`);
      await expect(page.getByTestId("secrets-count"), n.namespace).toHaveText(`${n.expected} secrets`, {
        timeout: 30_000,
      });
      const first = n.readOnly ? set[n.backend].readOnly[0] : set[n.backend].writable[0];
      const key =
        n.backend === "vault" && n.readOnly
          ? first.name.replace(/^app1\//, "")
          : (first.tags.key ?? first.name.split("/").pop()!);
      await expect(page.locator(`tr[data-secret-key="${key}"]`), `${n.namespace}: ${key}`).toBeVisible();
      if (n.readOnly) {
        await expect(page.getByTestId("read-only-banner")).toBeVisible();
        await expect(page.getByRole("button", { name: "Create New Secret" })).toHaveCount(0);
        await expect(page.getByTestId("ignored-line")).toContainText("skipped by its rules");
      } else {
        await expect(page.getByRole("button", { name: "Create New Secret" })).toBeVisible();
      }
    }
  } finally {
    await context.close();
  }
});

test("Ctrl-C stops the console and the emulators", async () => {
  await ctrlC();
  expect(output).toContain("[demo] stopping the console and the emulators");
  for (const p of [String(port), ...Object.values(emulatorPorts)]) expect(await listening(p), `port ${p}`).toBe(false);
});
