import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseConfigFile } from "../../lib/config/config-file";
import type { PrismaClient } from "../../lib/db/generated/client";
import { loadConfigView, saveConfig } from "../../lib/managers/config-store";
import { resolveScope, type ResolvedScope } from "../../lib/managers/scope";
import { verifyServing } from "../../lib/secrets/verify";
import { migratedPrisma, TEST_DATABASES } from "../support/test-db";

// Verify's newer outcomes (issue 11's faults) are stored and shown as themselves: before, a throttled or garbled
// backend was saved as UNREACHABLE and the settings page said "unreachable".

process.env.KEYHOLD_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");

const ACTOR = "tenant-admin@keyhold.test";
const config = globalThis as unknown as { __keyholdConfig?: ReturnType<typeof parseConfigFile> };

/** A loopback "Vault" that answers every request the same way. */
async function fakeVault(status: number, type: string, body: string, headers: Record<string, string> = {}) {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(status, { "content-type": type, ...headers }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, close: () => server.close() };
}

describe.each(TEST_DATABASES)("verify outcomes stored on $kind", ({ kind, available }) => {
  const database = migratedPrisma(kind, available);
  let prisma: PrismaClient;
  let scope: ResolvedScope;
  let tenant: { id: string; slug: string };
  let throttling: Awaited<ReturnType<typeof fakeVault>>;
  let garbled: Awaited<ReturnType<typeof fakeVault>>;
  const savedConfig = config.__keyholdConfig;
  const savedAllow = process.env.KEYHOLD_EGRESS_ALLOW;

  beforeAll(async () => {
    throttling = await fakeVault(429, "application/json", JSON.stringify({ errors: ["rate limit quota exceeded"] }), {
      "retry-after": "0",
    });
    garbled = await fakeVault(200, "text/html", "<html><body>Sign in to the proxy</body></html>");
    process.env.KEYHOLD_EGRESS_ALLOW = [throttling.host, garbled.host].join(",");
  });
  afterAll(() => {
    throttling?.close();
    garbled?.close();
    config.__keyholdConfig = savedConfig;
    if (savedAllow === undefined) delete process.env.KEYHOLD_EGRESS_ALLOW;
    else process.env.KEYHOLD_EGRESS_ALLOW = savedAllow;
  });
  beforeEach(async () => {
    if (!available) return;
    config.__keyholdConfig = { backend: null, egress: null, warnings: [] };
    prisma = database.get();
    await prisma.tenant.deleteMany();
    tenant = await prisma.tenant.create({
      data: { slug: "acme", displayName: "Acme" },
      select: { id: true, slug: true },
    });
    await prisma.namespace.create({ data: { tenantId: tenant.id, path: "company" } });
    scope = await resolveScope(prisma, tenant.id, "company");
  });

  const save = (address: string) =>
    saveConfig(
      prisma,
      scope,
      {
        expectedVersion: null,
        enabled: true,
        document: {
          type: "vault",
          "read-only": true,
          vault: { address, token: { token: "CANARY-verify-status" } },
        },
        keepCredentials: [],
      },
      ACTOR,
    );

  it.skipIf(!available)("a backend that keeps answering 429 is stored and shown as 'throttled'", async () => {
    await save(throttling.url);
    const outcome = await verifyServing(prisma, tenant, "company", ACTOR);
    expect(outcome).toMatchObject({ ok: false, status: "throttled" });
    const row = await prisma.secretsManagerConfig.findFirstOrThrow({ where: { tenantId: tenant.id } });
    expect(row.lastVerifyStatus).toBe("THROTTLED");
    expect((await loadConfigView(prisma, scope)).lastVerify?.status).toBe("THROTTLED");
  });

  it.skipIf(!available)("an HTML page where the API should be is stored as 'invalid-response'", async () => {
    await save(garbled.url);
    const outcome = await verifyServing(prisma, tenant, "company", ACTOR);
    expect(outcome).toMatchObject({ ok: false, status: "invalid-response" });
    const row = await prisma.secretsManagerConfig.findFirstOrThrow({ where: { tenantId: tenant.id } });
    expect(row.lastVerifyStatus).toBe("INVALID_RESPONSE");
    expect(JSON.stringify(outcome)).not.toContain("CANARY");
  });
});
