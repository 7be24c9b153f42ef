// The secrets index filled from OpenBao and served on PGlite and PostgreSQL: KV v2 subkey names from metadata, ignored
// names, managed write-through. Moto's share (the contract's rows and ignored reasons, write-through, an interrupted
// scan, stale-while-revalidate with 50 concurrent lists) runs in tests/backends/aws/aws.emulator.test.ts, the file
// that owns moto (tests/support/backends/aws-index.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Attachment } from "../../lib/backends/adapter";
import type { PrismaClient } from "../../lib/db/generated/client";
import { migrate } from "../../lib/db/migrator";
import { runningScans } from "../../lib/secrets/index/freshness";
import { createSecret } from "../../lib/secrets/mutations";
import { listNamespaceSecrets } from "../../lib/secrets/namespace-secrets";
import type { Session } from "../../lib/auth/session";
import {
  backend as vaultBackend,
  document as vaultDocument,
  guardLoopback,
  seed,
  targets,
  uniqueBase,
} from "../support/backends/vault";
import { emulatorsDisabled } from "../support/emulators";
import { memoryDatabase, memoryServing } from "../support/memory-backend";
import { createTestDatabase, TEST_DATABASES, type TestDatabase } from "../support/test-db";

guardLoopback();

const TENANT: Attachment = { tenant: "acme", namespace: null };
const session: Session = { userId: "u1", actor: "editor@example.com", name: "Editor", bindings: [] };
const idle = () => Promise.all(runningScans());
let tenants = 0;
const newTenant = () => ({ id: `index-emu-${process.pid}-${++tenants}`, slug: "acme" });

for (const { kind, available } of TEST_DATABASES) {
  describe.skipIf(emulatorsDisabled || !available)(`secrets index from the emulators on ${kind}`, () => {
    let db: TestDatabase;
    let prisma: PrismaClient;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
      await migrate(db.driver);
      const { PrismaClient } = await import("../../lib/db/generated/client");
      prisma = new PrismaClient({ adapter: db.driver.adapter });
    });
    afterAll(async () => {
      await idle();
      await prisma?.$disconnect();
      await db?.drop();
    });

    describe("OpenBao", () => {
      const t = targets()[0];

      it("fills the index from a read-only KV v2 tree: subkey names from metadata, invalid names counted", async () => {
        const base = uniqueBase("index");
        await seed(t, `${base}/db`, { DATABASE_PASSWORD: "CANARY-pw", DATABASE_USERNAME: "u" });
        await seed(t, `${base}/team/api`, { value: "CANARY-api" });
        await seed(t, `${base}/bad name`, { value: "x" });
        const b = vaultBackend(vaultDocument(t, { "secret-path-prefix": base }), TENANT);
        const serving = memoryServing({ namespaces: ["company"], backends: { "": b } });
        const list = await listNamespaceSecrets(prisma, newTenant(), "company", {}, serving);
        expect(list.rows.map((r) => [r.key, r.namespace, r.subkeys])).toEqual([
          ["db", null, ["DATABASE_PASSWORD", "DATABASE_USERNAME"]],
          ["team/api", null, null],
        ]);
        expect(list.ignored).toEqual({ "invalid-key": 1 });
        expect(JSON.stringify(list)).not.toContain("CANARY");
      });

      it("writes through in managed mode, each namespace's folder its own rows", async () => {
        const base = uniqueBase("index-managed");
        const b = vaultBackend(vaultDocument(t, { "secret-path-prefix": base }, false), TENANT);
        const serving = memoryServing({ namespaces: ["company", "company.team"], backends: { "": b } });
        const tenant = newTenant();
        const { prisma: withAudit } = memoryDatabase(prisma);
        await seed(t, `${base}/acme/company/by-hand`, { user: "ops" });
        expect((await listNamespaceSecrets(prisma, tenant, "company", {}, serving)).rows.map((r) => r.key)).toEqual([
          "by-hand",
        ]);
        const input = { tenant: "acme", namespace: "company.team", value: "v", description: null, tags: {} };
        await createSecret(withAudit, tenant, session, { ...input, key: "CHILD" }, serving);
        const team = await listNamespaceSecrets(prisma, tenant, "company.team", {}, serving);
        expect(team.rows.map((r) => [r.key, r.inherited])).toEqual([
          ["by-hand", true],
          ["CHILD", false],
        ]);
      });
    });
  });
}
