import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Attachment } from "../../../lib/backends/adapter";
import { createAzureBackend } from "../../../lib/backends/azure/adapter";
import { parseConfigDocument } from "../../../lib/backends/document";
import { createEgressPolicy } from "../../../lib/net/egress";
import { env } from "../../support/backends/azure";
import { emulatorEnv, emulatorsDisabled } from "../../support/emulators";
import { guardLoopback } from "../../support/backends/vault";
import { startAppServiceIdentity, startEntraAuthority } from "../../support/backends/azure-identity";

// Managed identity (App Service style: IDENTITY_ENDPOINT / IDENTITY_HEADER) and workload identity (a federated token
// file, sent to the authority host as a client assertion) against token endpoints this test serves on loopback, in
// front of the Key Vault fake. The loopback guard fails the file if anything tries another address (169.254.169.254).

guardLoopback();

// 0: ports the system chooses (the variables pin them).
let MI_PORT = Number(process.env.KEYHOLD_TEST_MI_PORT ?? 0);
let AUTHORITY_PORT = Number(process.env.KEYHOLD_TEST_AUTHORITY_PORT ?? 0);
const HEADER = "kh-identity-header-secret";
const ACME: Attachment = { tenant: "acme", namespace: null };

let mi: Awaited<ReturnType<typeof startAppServiceIdentity>>;
let authority: Awaited<ReturnType<typeof startEntraAuthority>>;
let dirs = "";
const saved = {
  IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT,
  IDENTITY_HEADER: process.env.IDENTITY_HEADER,
  KEYHOLD_TOKEN_FILE_DIRS: process.env.KEYHOLD_TOKEN_FILE_DIRS,
};

const vaultPort = () => new URL(env().vaultUrl).port;
function doc(section: Record<string, unknown>) {
  const { vaultUrl, caPem } = env();
  const parsed = parseConfigDocument(
    {
      type: "azure-key-vault",
      "read-only": true,
      "azure-key-vault": {
        "key-vault-uri": vaultUrl,
        "ca-certificate": caPem,
        "disable-challenge-resource-verification": true,
        ...section,
      },
    },
    { unknownKeys: "error" },
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.document;
}
const dedicated = (section: Record<string, unknown>, allow: string[]) =>
  createAzureBackend({
    document: doc(section),
    attachment: ACME,
    egress: createEgressPolicy({ allow }),
  });

beforeAll(async () => {
  if (emulatorsDisabled) return;
  mi = await startAppServiceIdentity(HEADER, MI_PORT);
  MI_PORT = mi.port;
  authority = await startEntraAuthority(path.dirname(emulatorEnv("KEYHOLD_AZURE_CA_CERT")), AUTHORITY_PORT);
  AUTHORITY_PORT = authority.port;

  dirs = mkdtempSync(path.join(tmpdir(), "kh-azure-tokens-"));
  mkdirSync(path.join(dirs, "acme"));
  mkdirSync(path.join(dirs, "globex"));
  writeFileSync(path.join(dirs, "acme", "azure-token"), "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhY21lIn0.YWNtZQ\n");
  writeFileSync(path.join(dirs, "globex", "azure-token"), "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJnbG9iZXgifQ.Z2xv\n");
});

beforeEach(() => {
  mi.calls.length = 0;
  authority.calls.length = 0;
  process.env.IDENTITY_ENDPOINT = `http://127.0.0.1:${MI_PORT}/msi/token`;
  process.env.IDENTITY_HEADER = HEADER;
  process.env.KEYHOLD_TOKEN_FILE_DIRS = `${dirs}/{tenant}`;
});

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await mi?.close();
  await authority?.close();
  if (dirs) rmSync(dirs, { recursive: true, force: true });
});

describe.skipIf(emulatorsDisabled)("Azure managed identity (App Service endpoint on loopback)", () => {
  it("a system-assigned identity asks IDENTITY_ENDPOINT for a Key Vault token, with IDENTITY_HEADER", async () => {
    const backend = dedicated({ managedIdentity: { kind: "system" } }, [`127.0.0.1:${vaultPort()}`]);
    const result = await backend.verify();
    expect(result.status).toBe("ok");
    expect(result.checked).toContain("system-assigned managed identity");
    expect(mi.calls.length).toBeGreaterThan(0);
    expect(mi.calls[0].header).toBe(HEADER);
    expect(mi.calls[0].query.get("resource")).toBe("https://vault.azure.net");
    expect(mi.calls[0].query.has("client_id")).toBe(false);
  });

  it("a user-assigned identity is asked for by its client id", async () => {
    const clientId = "0f0f0f0f-1111-4222-8333-444444444444";
    const backend = dedicated({ managedIdentity: { clientId } }, [`127.0.0.1:${vaultPort()}`]);
    expect((await backend.verify()).status).toBe("ok");
    expect(mi.calls.map((c) => c.query.get("client_id"))).toContain(clientId);
  });
});

describe.skipIf(emulatorsDisabled)("Azure workload identity (federated token file, authority on loopback)", () => {
  const allow = () => [`127.0.0.1:${vaultPort()}`, `127.0.0.1:${AUTHORITY_PORT}`];

  it("sends the token file's content as the client assertion to the configured authority", async () => {
    const backend = dedicated(
      {
        "authority-host": `https://127.0.0.1:${AUTHORITY_PORT}`,
        workloadIdentity: {
          tenantId: env().tenantId,
          clientId: "keyhold-wi-app",
          tokenFile: path.join(dirs, "acme", "azure-token"),
        },
      },
      allow(),
    );
    const result = await backend.verify();
    expect(result.status).toBe("ok");
    expect(authority.calls.length).toBeGreaterThan(0);
    const [call] = authority.calls;
    expect(call.tenant).toBe(env().tenantId);
    expect(call.form.get("client_id")).toBe("keyhold-wi-app");
    expect(call.form.get("client_assertion")).toBe("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhY21lIn0.YWNtZQ");
    expect(call.form.get("scope")).toContain("https://vault.azure.net/.default");
    expect(mi.calls).toEqual([]);
  });

  it("refuses another tenant's token file: nothing is sent to the authority", async () => {
    const backend = dedicated(
      {
        "authority-host": `https://127.0.0.1:${AUTHORITY_PORT}`,
        workloadIdentity: {
          tenantId: env().tenantId,
          clientId: "keyhold-wi-app-2",
          tokenFile: path.join(dirs, "globex", "azure-token"),
        },
      },
      allow(),
    );
    const error = await backend.verify().then(
      () => null,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).toBe("forbidden");
    expect(error?.message).not.toContain(dirs);
    expect(authority.calls.filter((c) => c.form.get("client_id") === "keyhold-wi-app-2")).toEqual([]);
  });

  it("the authority of a dedicated manager passes the egress policy", async () => {
    const backend = dedicated(
      {
        "authority-host": `https://127.0.0.1:${AUTHORITY_PORT}`,
        workloadIdentity: {
          tenantId: env().tenantId,
          clientId: "keyhold-wi-app-3",
          tokenFile: path.join(dirs, "acme", "azure-token"),
        },
      },
      [`127.0.0.1:${vaultPort()}`],
    );
    const error = await backend.verify().then(
      () => null,
      (e: unknown) => e as { code: string },
    );
    expect(error?.code).toBe("forbidden");
    expect(authority.calls).toEqual([]);
  });
});
