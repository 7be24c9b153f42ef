// The CLI as a user runs it (bin/keyhold, a process of its own) against PGlite data folders and PostgreSQL databases.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { dropTestDatabase, TEST_DATABASES, TEST_PG_URL } from "../support/test-db";

const run = promisify(execFile);
const CLI = path.resolve("bin/keyhold");
const work = mkdtempSync(path.join(tmpdir(), "keyhold-cli-"));
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(cleanups.map((c) => c().catch(() => undefined)));
  rmSync(work, { recursive: true, force: true });
});

const FILE = `keyhold:
  tenant: acme
  display-name: Acme Corp
kestra:
  secret:
    type: vault
    read-only: true
    vault:
      address: https://vault.example.com:8200
      token:
        token: \${ACME_VAULT_TOKEN_TOKEN}
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
            clientSecret: \${ACME_COMPANY_TEAM_AZURE_KEY_VAULT_CLIENTSECRET_CLIENTSECRET}
`;
const CREDENTIALS = {
  ACME_VAULT_TOKEN_TOKEN: "hvs.CANARY-cli-token",
  ACME_COMPANY_TEAM_AZURE_KEY_VAULT_CLIENTSECRET_CLIENTSECRET: "CANARY-client-secret",
};

/** A fresh, empty instance: its own PGlite folder, or its own PostgreSQL database. */
async function instance(kind: "pglite" | "postgres"): Promise<Record<string, string>> {
  const base = { KEYHOLD_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64") };
  if (kind === "pglite") return { ...base, KEYHOLD_DATA_DIR: mkdtempSync(path.join(work, "data-")) };
  const name = `keyhold_cli_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  await admin(`CREATE DATABASE "${name}"`);
  cleanups.push(() => dropTestDatabase(TEST_PG_URL!, name));
  const url = new URL(TEST_PG_URL!);
  url.pathname = `/${name}`;
  return { ...base, DATABASE_URL: url.toString(), KEYHOLD_DATA_DIR: mkdtempSync(path.join(work, "data-")) };
}

async function keyhold(env: Record<string, string>, ...args: string[]) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => k !== "DATABASE_URL" && k !== "KEYHOLD_URL" && k !== "KEYHOLD_API_TOKEN" && !k.startsWith("ACME_"),
    ),
  ) as NodeJS.ProcessEnv;
  return run(CLI, args, { cwd: work, env: { ...clean, ...env }, timeout: 60_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe.each(TEST_DATABASES)("bin/keyhold on $kind", ({ kind, available }) => {
  it.skipIf(!available)(
    "round trip: apply, export, apply on an empty instance, export again: identical",
    async () => {
      const a = await instance(kind);
      writeFileSync(path.join(work, `acme-${kind}.yaml`), FILE);
      const dry = await keyhold({ ...a, ...CREDENTIALS }, "apply", "-f", `acme-${kind}.yaml`);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain("+ manager company.team: create");
      expect(dry.stdout).toContain("Nothing was applied. Run again with --yes");
      const applied = await keyhold({ ...a, ...CREDENTIALS }, "apply", "-f", `acme-${kind}.yaml`, "--yes");
      expect(applied.stdout).toContain("Applied 5 change(s) to tenant 'acme'");

      const exported = await keyhold(a, "export", "--tenant", "acme", "-o", `export-${kind}.yaml`);
      expect(exported.code).toBe(0);
      const text = readFileSync(path.join(work, `export-${kind}.yaml`), "utf8");
      expect(text).toContain("clientSecret: ${ACME_COMPANY_TEAM_AZURE_KEY_VAULT_CLIENTSECRET_CLIENTSECRET}");
      expect(text + exported.stderr).not.toContain("CANARY");

      // The exported file on an empty instance: nothing applied without the credentials, then everything with them.
      const b = await instance(kind);
      const refused = await keyhold(b, "apply", "-f", `export-${kind}.yaml`, "--yes");
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("environment variable ACME_VAULT_TOKEN_TOKEN is not set");
      const onB = await keyhold({ ...b, ...CREDENTIALS }, "apply", "-f", `export-${kind}.yaml`, "--yes");
      expect(onB.code).toBe(0);
      const again = await keyhold(b, "export", "--tenant", "acme");
      expect(again.stdout).toBe(text);
    },
    180_000,
  );

  it.skipIf(!available)(
    "bad YAML: a clear error on stderr, exit 1, nothing created",
    async () => {
      const a = await instance(kind);
      writeFileSync(path.join(work, "bad.yaml"), "keyhold:\n  tenant: acme\n  tenant: acme\n");
      const bad = await keyhold(a, "apply", "-f", "bad.yaml", "--yes");
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("keyhold: bad.yaml:3: invalid YAML");
      expect((await keyhold(a, "export", "--tenant", "acme")).stderr).toContain("does not exist");
      expect((await keyhold(a, "apply", "-f", "missing.yaml")).stderr).toContain("missing.yaml: cannot read the file");
      expect((await keyhold(a, "frobnicate")).stderr).toContain("Unknown command 'frobnicate'");
    },
    120_000,
  );
});

describe("bin/keyhold on a PGlite folder the console holds", () => {
  it("refuses at once, by name, and runs once the folder is free", async () => {
    const a = await instance("pglite");
    // This process holds the folder, as a running console does.
    const { openDriver } = await import("../../lib/db/driver");
    const { migrate } = await import("../../lib/db/migrator");
    const console_ = openDriver({ dataDir: a.KEYHOLD_DATA_DIR });
    await migrate(console_);
    const started = Date.now();
    const refused = await keyhold(a, "export", "--tenant", "acme");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `Another Keyhold process is using the embedded database at ${path.join(a.KEYHOLD_DATA_DIR, "db")}: stop it first`,
    );
    expect(refused.stderr).not.toContain("RuntimeError");
    // Not waited for: the console renews its lock (the CLI's own start-up is most of this).
    expect(Date.now() - started).toBeLessThan(20_000);
    await console_.close();
    const after = await keyhold(a, "export", "--tenant", "acme");
    expect(after.stderr).toContain("does not exist");
    expect(after.stderr).not.toContain("Another Keyhold process");
  }, 120_000);
});
