// Test kit: the secrets index filled from moto, on PGlite and PostgreSQL. Called from
// tests/backends/aws/aws.emulator.test.ts, the one file that uses moto: its seeder resets moto between tests, so a suite
// in another file, run in parallel, would lose its secrets.
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Attachment, IndexedSecret, SecretsBackend } from "../../../lib/backends/adapter";
import { BackendError } from "../../../lib/backends/backend-error";
import { parseConfigDocument } from "../../../lib/backends/document";
import { createBackend } from "../../../lib/backends/registry";
import type { PrismaClient } from "../../../lib/db/generated/client";
import { migrate } from "../../../lib/db/migrator";
import type { Session } from "../../../lib/auth/session";
import { runningScans } from "../../../lib/secrets/index/freshness";
import { createSecret } from "../../../lib/secrets/mutations";
import { listNamespaceSecrets } from "../../../lib/secrets/namespace-secrets";
import { memoryDatabase, memoryServing } from "../memory-backend";
import { createTestDatabase, TEST_DATABASES, type TestDatabase } from "../test-db";
import { awsEnv, awsSeeder, tagList } from "./aws";

const TENANT: Attachment = { tenant: "acme", namespace: null };
const session: Session = { userId: "u1", actor: "editor@example.com", name: "Editor", bindings: [] };
const idle = () => Promise.all(runningScans());
let tenants = 0;
const newTenant = () => ({ id: `index-moto-${process.pid}-${++tenants}`, slug: "acme" });

let sdk: SecretsManagerClient | undefined;
const moto = () =>
  (sdk ??= new SecretsManagerClient({
    endpoint: awsEnv().endpoint,
    region: awsEnv().region,
    credentials: { accessKeyId: awsEnv().accessKeyId, secretAccessKey: awsEnv().secretAccessKey },
  }));
const clearRegion = () => awsSeeder().clear();

const seedAws = (name: string, tags: Record<string, string>, value = "CANARY-index-value") =>
  moto().send(new CreateSecretCommand({ Name: name, SecretString: value, Tags: tagList(tags) }));

function awsBackend(readOnly: boolean): SecretsBackend {
  const { endpoint, region, accessKeyId, secretAccessKey } = awsEnv();
  const parsed = parseConfigDocument(
    {
      type: "aws-secret-manager",
      "read-only": readOnly,
      "aws-secret-manager": {
        region,
        "endpoint-override": endpoint,
        "access-key-id": accessKeyId,
        "secret-key-id": secretAccessKey,
      },
    },
    { unknownKeys: "error", incomplete: "warn" },
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return createBackend({ document: parsed.document, attachment: TENANT });
}

/** The backend with its scans counted, and optionally failing after its first page. */
function counted(backend: SecretsBackend) {
  // hold, when set: a scan waits for it before its first page (a scan still running while lists are served).
  const state = { scans: 0, failAfterFirstPage: false, hold: null as Promise<unknown> | null };
  const wrapped: SecretsBackend = Object.assign(Object.create(backend) as SecretsBackend, {
    async *scan(): AsyncIterable<IndexedSecret[]> {
      state.scans++;
      if (state.hold) await state.hold;
      let pages = 0;
      for await (const page of backend.scan()) {
        if (state.failAfterFirstPage && pages++ > 0)
          throw new BackendError("unreachable", "AWS Secrets Manager: list failed: connection reset");
        yield page;
      }
    },
  });
  return { backend: wrapped, state };
}

const tagged = (namespace: string, key: string, extra: Record<string, string> = {}) => ({
  namespace,
  key,
  prefix: "kestra",
  ...extra,
});

export function runIndexOnMoto() {
  for (const { kind, available } of TEST_DATABASES) {
    describe.skipIf(!available)(`secrets index from moto on ${kind}`, () => {
      let db: TestDatabase;
      let prisma: PrismaClient;
      beforeAll(async () => {
        db = await createTestDatabase(kind);
        await migrate(db.driver);
        const { PrismaClient } = await import("../../../lib/db/generated/client");
        prisma = new PrismaClient({ adapter: db.driver.adapter });
      });
      afterAll(async () => {
        await idle();
        await prisma?.$disconnect();
        await db?.drop();
        sdk?.destroy();
        sdk = undefined;
      });

      beforeEach(async () => {
        await idle();
        await clearRegion();
      });

      it("fills the index with the contract's data: rows by namespace, ignored reasons, no value", async () => {
        await seedAws("aws-name-1", tagged("company", "DB_PASSWORD", { team: "core" }));
        await seedAws("aws-name-2", tagged("company.team", "API_KEY"));
        await seedAws("no-tags", {});
        await seedAws("no-key", { namespace: "company", prefix: "kestra" });
        await seedAws("no-namespace", { key: "X", prefix: "kestra" });
        await seedAws("other-prefix", tagged("company", "Y", { prefix: "other" }));
        await seedAws("other-tenant", tagged("company", "Z", { tenant: "globex" }));
        await seedAws("same-tenant", tagged("company", "OWN", { tenant: "acme" }));
        const serving = memoryServing({ namespaces: ["company", "company.team"], backends: { "": awsBackend(true) } });
        const tenant = newTenant();
        const company = await listNamespaceSecrets(prisma, tenant, "company", {}, serving);
        expect(company.rows.map((r) => [r.key, r.namespace, r.inherited])).toEqual([
          ["DB_PASSWORD", "company", false],
          ["OWN", "company", false],
        ]);
        expect(company.rows[0].tags).toMatchObject({ team: "core" });
        expect(company.ignored).toEqual({
          "missing-prefix-tag": 1,
          "missing-key-tag": 1,
          "missing-namespace-tag": 1,
          "prefix-mismatch": 1,
          "other-tenant": 1,
        });
        expect(company.freshness).toMatchObject({ scanning: false });
        expect(JSON.stringify(company)).not.toContain("CANARY");
        const team = await listNamespaceSecrets(prisma, tenant, "company.team", { search: "api" }, serving);
        expect(team.rows.map((r) => [r.key, r.source])).toEqual([["API_KEY", "company.team"]]);
      });

      it("writes through: a secret created through Keyhold is listed at once, without a rescan", async () => {
        await seedAws("existing", tagged("company", "EXISTING"));
        const { backend, state } = counted(awsBackend(false));
        const serving = memoryServing({ namespaces: ["company"], backends: { "": backend } });
        const tenant = newTenant();
        const { prisma: withAudit, audit } = memoryDatabase(prisma);
        expect((await listNamespaceSecrets(prisma, tenant, "company", {}, serving)).rows.map((r) => r.key)).toEqual([
          "EXISTING",
        ]);
        const scans = state.scans;
        await createSecret(
          withAudit,
          tenant,
          session,
          { tenant: "acme", namespace: "company", key: "NEW_KEY", value: "CANARY-new", description: "new", tags: {} },
          serving,
        );
        const after = await listNamespaceSecrets(prisma, tenant, "company", {}, serving);
        expect(after.rows.map((r) => [r.key, r.description])).toEqual([
          ["EXISTING", null],
          ["NEW_KEY", "new"],
        ]);
        expect(state.scans).toBe(scans);
        expect(audit.map((a) => a.action)).toEqual(["secret.created"]);
      });

      it("a scan interrupted by a backend error keeps the previous index and shows the error", async () => {
        for (let i = 0; i < 130; i++) await seedAws(`bulk-${i}`, tagged("bulk", `K${String(i).padStart(3, "0")}`));
        const { backend, state } = counted(awsBackend(true));
        const serving = memoryServing({ namespaces: ["bulk"], backends: { "": backend } });
        const tenant = newTenant();
        const first = await listNamespaceSecrets(prisma, tenant, "bulk", { refresh: true }, serving);
        expect(first.total).toBe(130);
        await seedAws("late", tagged("bulk", "LATE"));
        state.failAfterFirstPage = true;
        const failed = await listNamespaceSecrets(prisma, tenant, "bulk", { refresh: true }, serving);
        expect(failed.total).toBe(130);
        expect(failed.rows.some((r) => r.key === "LATE")).toBe(false);
        expect(failed.errors).toEqual([
          { namespace: "bulk", code: "unreachable", message: "AWS Secrets Manager: list failed: connection reset" },
        ]);
        state.failAfterFirstPage = false;
        const healed = await listNamespaceSecrets(prisma, tenant, "bulk", { refresh: true }, serving);
        expect(healed).toMatchObject({ total: 131, errors: [] });
      }, 120_000);

      it("serves a stale index at once and refreshes it in the background: 50 concurrent lists, one scan", async () => {
        await seedAws("one", tagged("company", "ONE"));
        const { backend, state } = counted(awsBackend(true));
        const serving = memoryServing({ namespaces: ["company"], backends: { "": backend }, ttlMs: 200 });
        const tenant = newTenant();
        await listNamespaceSecrets(prisma, tenant, "company", {}, serving);
        await idle();
        await seedAws("two", tagged("company", "TWO"));
        await new Promise((r) => setTimeout(r, 300));
        const scans = state.scans;
        // The refresh the lists start stays running until released: each list must answer without waiting for it.
        let release!: () => void;
        state.hold = new Promise<void>((r) => (release = r));
        const lists = await Promise.all(
          Array.from({ length: 50 }, () => listNamespaceSecrets(prisma, tenant, "company", {}, serving)),
        );
        expect(lists.every((l) => l.rows.map((r) => r.key).join() === "ONE")).toBe(true);
        release();
        await idle();
        expect(state.scans - scans).toBe(1);
        expect((await listNamespaceSecrets(prisma, tenant, "company", {}, serving)).rows.map((r) => r.key)).toEqual([
          "ONE",
          "TWO",
        ]);
      }, 60_000);
    });
  }
}
