import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "./fixtures";
import { signedIn } from "../tests/support/server-actions";

// Issue 13: configuration as code over HTTP. `bin/keyhold --url … export|apply` against running production servers: this
// run's server (A), then a second, empty one (B) started here; export from A, apply on B, export from B is identical.
// Credentials travel only as the caller's variables: never in an export, a plan, or either server's log.
test.describe.configure({ mode: "serial" });

const run = promisify(execFile);
const CLI = path.resolve("bin/keyhold");
const TENANT = "cli-remote";
const FILE = `keyhold:
  tenant: ${TENANT}
  display-name: CLI remote
kestra:
  secret:
    type: vault
    read-only: true
    vault:
      address: https://vault.example.com:8200
      token:
        token: \${CLI_REMOTE_VAULT_TOKEN_TOKEN}
namespaces:
  company.team:
    kestra:
      secret:
        type: azure-key-vault
        read-only: true
        azure-key-vault:
          key-vault-uri: https://acme.vault.azure.net
          clientSecret:
            tenantId: 00000000-0000-0000-0000-000000000001
            clientId: 00000000-0000-0000-0000-000000000002
            clientSecret: \${CLI_REMOTE_COMPANY_TEAM_AZURE_KEY_VAULT_CLIENTSECRET_CLIENTSECRET}
`;
const CREDENTIALS = {
  CLI_REMOTE_VAULT_TOKEN_TOKEN: "hvs.CANARY-remote-cli",
  CLI_REMOTE_COMPANY_TEAM_AZURE_KEY_VAULT_CLIENTSECRET_CLIENTSECRET: "CANARY-remote-client-secret",
};
const ADMIN_B = { email: "cli-remote-admin@keyhold.test", password: "cli remote admin password 1234" };

const work = mkdtempSync(path.join(tmpdir(), "keyhold-cli-remote-"));

async function keyhold(env: Record<string, string>, ...args: string[]) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => k !== "DATABASE_URL" && !k.startsWith("CLI_REMOTE_") && !k.startsWith("KEYHOLD_"),
    ),
  ) as NodeJS.ProcessEnv;
  return run(CLI, args, { cwd: work, env: { ...clean, ...env }, timeout: 90_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, "localhost", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** A second production server on an empty PGlite folder, with a first administrator from the environment. */
async function startEmptyServer(): Promise<{ base: string; child: ChildProcess; log: () => string }> {
  const port = await freePort();
  let output = "";
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k !== "DATABASE_URL"),
  ) as NodeJS.ProcessEnv;
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    env: {
      ...env,
      PORT: String(port),
      HOSTNAME: "localhost",
      KEYHOLD_DATA_DIR: mkdtempSync(path.join(work, "data-b-")),
      KEYHOLD_CONFIG_FILE: "",
      KEYHOLD_ADMIN_EMAIL: ADMIN_B.email,
      KEYHOLD_ADMIN_PASSWORD: ADMIN_B.password,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server B did not start:\n${output.slice(-2000)}`)), 120_000);
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Keyhold is running")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", seen);
    child.stderr!.on("data", seen);
    child.once("exit", (code) => reject(new Error(`server B exited with ${code}:\n${output.slice(-2000)}`)));
  });
  return { base: `http://localhost:${port}`, child, log: () => output };
}

/** An instance administrator's API token, created through REST API v1 with a signed-in session cookie. */
async function adminToken(base: string, cookie: string, name: string): Promise<string> {
  const response = await fetch(`${base}/api/v1/api-tokens`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify({ name, role: "instance-admin", expiresInDays: 1 }),
  });
  const body = (await response.json()) as { token?: string };
  expect(response.status, JSON.stringify(body)).toBe(201);
  return body.token!;
}

test("bin/keyhold over HTTP: apply on A, export, apply on an empty B, export again: identical", async ({
  context,
  baseURL,
}) => {
  test.setTimeout(300_000);
  const cookieA = (await context.cookies(baseURL!)).map((c) => `${c.name}=${c.value}`).join("; ");
  const tokenA = await adminToken(baseURL!, cookieA, "cli-remote-a");
  const onA = { KEYHOLD_URL: baseURL!, KEYHOLD_API_TOKEN: tokenA };
  writeFileSync(path.join(work, "cli-remote.yaml"), FILE);

  const dry = await keyhold({ ...onA, ...CREDENTIALS }, "apply", "-f", "cli-remote.yaml");
  expect(dry.stderr).toBe("");
  expect(dry.stdout).toContain("+ tenant cli-remote: create");
  expect(dry.stdout).toContain("Nothing was applied. Run again with --yes");
  const applied = await keyhold({ ...onA, ...CREDENTIALS }, "apply", "-f", "cli-remote.yaml", "--yes");
  expect(applied.code, applied.stderr).toBe(0);
  expect(applied.stdout).toContain(`Applied 5 change(s) to tenant '${TENANT}'`);
  // Idempotent: again, without the variables (the stored credentials are kept), nothing to do.
  const again = await keyhold(onA, "apply", "-f", "cli-remote.yaml", "--yes");
  expect(again.stdout).toContain("No changes: the tenant already matches the file.");

  const exported = await keyhold(onA, "export", "--tenant", TENANT, "-o", "export-a.yaml");
  expect(exported.code, exported.stderr).toBe(0);
  const text = readFileSync(path.join(work, "export-a.yaml"), "utf8");
  expect(text).toContain("token: ${CLI_REMOTE_VAULT_TOKEN_TOKEN}");
  expect(text + exported.stderr + dry.stdout + applied.stdout).not.toContain("CANARY");

  // B: empty. Without the variables nothing is applied (no stored credential to keep); with them, everything.
  const b = await startEmptyServer();
  try {
    const adminB = await signedIn(b.base, ADMIN_B.email, ADMIN_B.password);
    const onB = { KEYHOLD_URL: b.base, KEYHOLD_API_TOKEN: await adminToken(b.base, adminB.cookie, "cli-remote-b") };
    const refused = await keyhold(onB, "apply", "-f", "export-a.yaml", "--yes");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("${CLI_REMOTE_VAULT_TOKEN_TOKEN} was not sent");
    const onBApplied = await keyhold({ ...onB, ...CREDENTIALS }, "apply", "-f", "export-a.yaml", "--yes");
    expect(onBApplied.code, onBApplied.stderr).toBe(0);
    expect(onBApplied.stdout).toContain("Applied 5 change(s)");
    const exportB = await keyhold(onB, "export", "--tenant", TENANT);
    expect(exportB.stdout).toBe(text);
    // A wrong token: 401, said plainly, exit 1.
    const wrong = await keyhold({ ...onB, KEYHOLD_API_TOKEN: `kh_${"A".repeat(43)}` }, "export", "--tenant", TENANT);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("The API token is not valid");
    expect(b.log()).not.toContain("CANARY");
  } finally {
    b.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    rmSync(work, { recursive: true, force: true });
  }
});
