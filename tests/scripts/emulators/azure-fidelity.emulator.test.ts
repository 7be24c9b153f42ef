// The Key Vault fake against the service's published contract (azure-rest-api-specs, KeyVault data plane
// secrets.json 7.4/7.5: SecretBundle, DeletedSecretBundle, KeyVaultError; the service's documented limits),
// through the official SDK: status codes and error bodies, nextLink paging with maxresults at most 25, name rules,
// soft-delete states. docs/emulators.md lists the differences that remain.
import type { RestError } from "@azure/core-rest-pipeline";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { emulatorsDisabled } from "../../support/emulators";
import { azureSeeder, closeServers, sdk } from "../../support/backends/azure";

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a RestError");
    },
    (e: RestError) => e,
  );

describe.skipIf(emulatorsDisabled)("azure-kv-fake fidelity (official SDK)", () => {
  beforeEach(() => azureSeeder().clear());
  afterAll(() => closeServers());

  it("answers a missing secret with 404 SecretNotFound in Key Vault's error body", async () => {
    const e = await rejection(sdk().getSecret("nope"));
    expect(e.statusCode).toBe(404);
    expect(e.code).toBe("SecretNotFound");
    expect(e.message).toContain("A secret with (name/id) nope was not found in this key vault");
  });

  it("refuses names outside ^[0-9a-zA-Z-]{1,127}$ with 400 BadParameter", async () => {
    for (const name of ["under_score", "x".repeat(128)]) {
      const e = await rejection(sdk().setSecret(name, "v"));
      expect([e.statusCode, e.code], name).toEqual([400, "BadParameter"]);
    }
    await sdk().setSecret("x".repeat(127), "v");
  });

  it("pages with nextLink, 25 at most, and refuses maxresults above 25", async () => {
    for (let i = 0; i < 30; i++) await sdk().setSecret(`s${i}`, "v");
    const sizes: number[] = [];
    for await (const page of sdk().listPropertiesOfSecrets().byPage({ maxPageSize: 25 })) sizes.push(page.length);
    expect(sizes).toEqual([25, 5]);
    const e = await rejection(sdk().listPropertiesOfSecrets().byPage({ maxPageSize: 26 }).next());
    expect(e.statusCode).toBe(400);
  });

  it("refuses more than 15 tags with 400 BadParameter", async () => {
    const tags = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`t${i}`, "v"]));
    const e = await rejection(sdk().setSecret("tagged", "v", { tags }));
    expect([e.statusCode, e.code]).toEqual([400, "BadParameter"]);
  });

  it("soft delete: DeletedSecretBundle fields, 409 Conflict while deleted, recover and purge", async () => {
    await sdk().setSecret("soft", "v1");
    const deleting = await sdk().beginDeleteSecret("soft", { intervalInMs: 10 });
    const deleted = await deleting.pollUntilDone();
    expect(deleted.properties.recoveryId).toMatch(/\/deletedsecrets\/soft$/);
    expect(deleted.properties.deletedOn).toBeInstanceOf(Date);
    expect(deleted.properties.scheduledPurgeDate!.getTime() - deleted.properties.deletedOn!.getTime()).toBe(
      90 * 24 * 3600 * 1000,
    );
    expect(deleted.properties.recoveryLevel).toBe("Recoverable+Purgeable");
    const conflict = await rejection(sdk().setSecret("soft", "v2"));
    expect([conflict.statusCode, conflict.code]).toEqual([409, "Conflict"]);
    expect(conflict.message).toContain("is currently in a deleted but recoverable state");
    expect((await rejection(sdk().getSecret("soft"))).statusCode).toBe(404);

    const recovering = await sdk().beginRecoverDeletedSecret("soft", { intervalInMs: 10 });
    await recovering.pollUntilDone();
    expect((await sdk().getSecret("soft")).value).toBe("v1");

    await (await sdk().beginDeleteSecret("soft", { intervalInMs: 10 })).pollUntilDone();
    await sdk().purgeDeletedSecret("soft");
    expect((await rejection(sdk().getDeletedSecret("soft"))).statusCode).toBe(404);
    await sdk().setSecret("soft", "v3");
  });

  it("lists the versions of a secret that does not exist as an empty list", async () => {
    const versions: unknown[] = [];
    for await (const v of sdk().listPropertiesOfSecretVersions("never-was")) versions.push(v);
    expect(versions).toEqual([]);
  });
});
