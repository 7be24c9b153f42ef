// Switching backends without surprises, against OpenBao and a real database: two configurations with overlapping
// keys (the tenant's and, turned on for `company`, a dedicated one), the preview's counts and missing keys (company
// and company.team, which inherits it), the save refused without the preview's confirmation (or with one given for
// another change), the audit entry with the counts, turning the manager off again, an edit that keeps the backend,
// and one that keeps the address but not what is seen (Vault's read-only flag).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../lib/db/generated/client";
import { KeyholdError } from "../../lib/errors";
import { saveConfig, type SaveConfigInput } from "../../lib/managers/config-store";
import { resolveScope, type ResolvedScope } from "../../lib/managers/scope";
import { runningScans } from "../../lib/secrets/index/freshness";
import { previewSwitch } from "../../lib/secrets/switch-preview";
import { env, guardLoopback, seed, targets, uniqueBase } from "../support/backends/vault";
import { emulatorEgressAllow, emulatorsDisabled } from "../support/emulators";
import { migratedPrisma, TEST_DATABASES } from "../support/test-db";

process.env.KEYHOLD_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
guardLoopback();

const t = () => targets()[0]; // KV v2
const who = { actor: "admin@example.com", instanceAdmin: false };
const vaultDoc = (prefix: string) => ({
  type: "vault",
  "read-only": true,
  vault: {
    address: env.addr,
    "root-engine": t().mount,
    "engine-version": 2,
    "secret-path-prefix": prefix,
    token: { token: env.rootToken },
  },
});
const save = (document: unknown, expectedVersion: number | null, enabled = true, confirmSwitch?: string) =>
  ({ expectedVersion, enabled, document, keepCredentials: [], confirmSwitch }) as SaveConfigInput;
const strict = { instanceAdmin: false, requireSwitchConfirmation: true };

async function rejection(p: Promise<unknown>): Promise<KeyholdError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyholdError);
  return error as KeyholdError;
}

describe.skipIf(emulatorsDisabled)("the switch preview on OpenBao", () => {
  const bases = { tenant: "", company: "" };
  const savedAllow = process.env.KEYHOLD_EGRESS_ALLOW;
  beforeAll(async () => {
    process.env.KEYHOLD_EGRESS_ALLOW = emulatorEgressAllow();
    bases.tenant = uniqueBase("switch-tenant");
    bases.company = uniqueBase("switch-company");
    for (const key of ["DB_PASSWORD", "API_TOKEN", "SHARED"])
      await seed(t(), `${bases.tenant}/${key}`, { value: `CANARY-t-${key}` });
    for (const key of ["API_TOKEN", "SHARED", "EXTRA"])
      await seed(t(), `${bases.company}/${key}`, { value: `CANARY-c-${key}` });
  });
  afterAll(async () => {
    await Promise.all(runningScans());
    if (savedAllow === undefined) delete process.env.KEYHOLD_EGRESS_ALLOW;
    else process.env.KEYHOLD_EGRESS_ALLOW = savedAllow;
  });

  for (const { kind, available } of TEST_DATABASES) {
    describe.skipIf(!available)(`on ${kind}`, () => {
      const database = migratedPrisma(kind, available);
      let prisma: PrismaClient;
      let tenant: { id: string; slug: string };
      let company: ResolvedScope;

      beforeEach(async () => {
        await Promise.all(runningScans());
        prisma = database.get();
        await prisma.tenant.deleteMany();
        const row = await prisma.tenant.create({ data: { slug: "acme", displayName: "Acme" } });
        tenant = { id: row.id, slug: "acme" };
        await prisma.namespace.createMany({
          data: [
            { tenantId: row.id, path: "company" },
            { tenantId: row.id, path: "company.team" },
            { tenantId: row.id, path: "finance" },
          ],
        });
        // The tenant's own manager: every namespace sees DB_PASSWORD, API_TOKEN and SHARED.
        await saveConfig(prisma, await resolveScope(prisma, row.id, null), save(vaultDoc(bases.tenant), null), "setup");
        company = await resolveScope(prisma, row.id, "company");
      });

      it("counts what company and company.team would keep, lose and gain; the save needs the confirmation", async () => {
        const input = { enabled: true, document: vaultDoc(bases.company), keepCredentials: [] };
        const preview = await previewSwitch(prisma, tenant, company, input, who);
        expect(preview).toMatchObject({
          switching: true,
          from: "HashiCorp Vault (Inherited from tenant acme)",
          to: "HashiCorp Vault (Configured on this namespace)",
          namespaces: ["company", "company.team"],
          counts: { current: 6, kept: 4, missing: 2, added: 2 },
          missing: [
            { namespace: "company", key: "DB_PASSWORD" },
            { namespace: "company.team", key: "DB_PASSWORD" },
          ],
          truncated: false,
          scanError: null,
        });
        expect(JSON.stringify(preview)).not.toContain("CANARY");
        // The preview's scan leaves no index behind.
        expect(await prisma.secretIndexSource.count({ where: { key: { startsWith: "preview:" } } })).toBe(0);

        // Without the confirmation: refused, nothing saved, nothing audited.
        const refused = await rejection(
          saveConfig(prisma, company, save(vaultDoc(bases.company), null), "admin", strict),
        );
        expect(refused.code).toBe("invalid-input");
        expect(refused.fieldErrors).toHaveProperty("confirmSwitch");
        // A forged one, and one given for another change (another prefix), are refused too.
        const forged = `${preview.confirmation!.split(".")[0]}.AAAA`;
        expect(
          (
            await rejection(
              saveConfig(prisma, company, save(vaultDoc(bases.company), null, true, forged), "admin", strict),
            )
          ).code,
        ).toBe("invalid-input");
        const other = await rejection(
          saveConfig(prisma, company, save(vaultDoc(bases.tenant), null, true, preview.confirmation!), "admin", strict),
        );
        expect(other.message).toMatch(/another change/);
        expect(
          await prisma.secretsManagerConfig.count({ where: { tenantId: tenant.id, scopeKey: company.scopeKey } }),
        ).toBe(0);
        expect(await prisma.auditEvent.count({ where: { tenantId: tenant.id, actor: "admin" } })).toBe(0);

        // With it: saved, and the audit entry records the counts.
        await saveConfig(
          prisma,
          company,
          save(vaultDoc(bases.company), null, true, preview.confirmation!),
          "admin",
          strict,
        );
        const created = await prisma.auditEvent.findFirstOrThrow({
          where: { tenantId: tenant.id, action: "config.created", actor: "admin" },
        });
        expect((created.details as { switch: unknown }).switch).toEqual({ current: 6, kept: 4, missing: 2, added: 2 });
        // The same confirmation cannot be used again: the version moved on.
        const off = { enabled: false, document: vaultDoc(bases.company), keepCredentials: [] };
        expect(
          (
            await rejection(
              saveConfig(
                prisma,
                company,
                save(vaultDoc(bases.company), 1, false, preview.confirmation!),
                "admin",
                strict,
              ),
            )
          ).code,
        ).toBe("invalid-input");

        // Turning it off again: EXTRA would disappear, DB_PASSWORD come back.
        const back = await previewSwitch(prisma, tenant, company, off, who);
        expect(back).toMatchObject({
          switching: true,
          counts: { current: 6, kept: 4, missing: 2, added: 2 },
          missing: [
            { namespace: "company", key: "EXTRA" },
            { namespace: "company.team", key: "EXTRA" },
          ],
        });
        await saveConfig(prisma, company, save(vaultDoc(bases.company), 1, false, back.confirmation!), "admin", strict);
        const disabled = await prisma.auditEvent.findFirstOrThrow({
          where: { tenantId: tenant.id, action: "config.disabled", actor: "admin" },
        });
        expect(disabled.details).toEqual({ switch: { current: 6, kept: 4, missing: 2, added: 2 } });
      });

      it("an edit that keeps the backend is no switch: no preview scan, no confirmation needed", async () => {
        const first = await previewSwitch(
          prisma,
          tenant,
          company,
          { enabled: true, document: vaultDoc(bases.company), keepCredentials: [] },
          who,
        );
        await saveConfig(
          prisma,
          company,
          save(vaultDoc(bases.company), null, true, first.confirmation!),
          "admin",
          strict,
        );
        // The cache settings keep what the namespace sees.
        const edited = { ...vaultDoc(bases.company), cache: { enabled: true, "maximum-size": 500 } };
        const preview = await previewSwitch(
          prisma,
          tenant,
          company,
          { enabled: true, document: edited, keepCredentials: [] },
          who,
        );
        expect(preview).toMatchObject({ switching: false, confirmation: null, counts: { current: 0 } });
        await saveConfig(prisma, company, save(edited, 1), "admin", strict);
        expect(
          (await prisma.secretsManagerConfig.findFirstOrThrow({ where: { scopeKey: company.scopeKey } })).settings,
        ).toMatchObject({ cache: { "maximum-size": 500 } });

        // Turning read-only off is not such an edit on Vault: managed mode reads `prefix/acme/company/…`, where
        // nothing is, so every key company and company.team see would disappear.
        const managed = { ...edited, "read-only": false };
        const toManaged = await previewSwitch(
          prisma,
          tenant,
          company,
          { enabled: true, document: managed, keepCredentials: [] },
          who,
        );
        expect(toManaged).toMatchObject({
          switching: true,
          counts: { current: 6, kept: 0, missing: 6, added: 0 },
          scanError: null,
        });
        expect((await rejection(saveConfig(prisma, company, save(managed, 2), "admin", strict))).code).toBe(
          "invalid-input",
        );
      });
    });
  }
});
