// Azure Key Vault soft delete through Keyhold's adapter, on the Key Vault fake (deletion and recovery take a few
// polls, as on the real service): delete keeps the secret recoverable, a new write of its key says so, Recover and
// Purge return only once Key Vault finished, and a read-only configuration refuses both.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { Attachment } from "../../../lib/backends/adapter";
import { parseConfigDocument, type ConfigDocument } from "../../../lib/backends/document";
import { createBackend } from "../../../lib/backends/registry";
import { emulatorsDisabled } from "../../support/emulators";
import { loopbackOnly } from "../../support/loopback-only";
import {
  azureSeeder,
  baseSection,
  closeServers,
  deletedNames,
  env,
  liveNames,
  registerApp,
  sdk,
  TYPE,
} from "../../support/backends/azure";

const outside = loopbackOnly().refused;
const TENANT: Attachment = { tenant: "acme", namespace: null };
const ref = (namespace: string, key: string) => ({ tenant: "acme", namespace, key });

function document(section: Record<string, unknown> = {}, readOnly = false): ConfigDocument {
  const raw = { type: TYPE, "read-only": readOnly, [TYPE]: { ...baseSection(), ...section } };
  const parsed = parseConfigDocument(raw, { unknownKeys: "error", incomplete: "warn" });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.document;
}
const backend = (section: Record<string, unknown> = {}, readOnly = false) =>
  createBackend({ document: document(section, readOnly), attachment: TENANT });

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const e = await p.then(
    () => null,
    (error: unknown) => error,
  );
  expect(e, "expected a BackendError").toMatchObject({ name: "BackendError" });
  return e as { code: string; message: string };
}

describe.skipIf(emulatorsDisabled)("azure-key-vault soft delete", () => {
  beforeEach(() => azureSeeder().clear());
  afterAll(() => {
    closeServers();
    expect(outside).toEqual([]);
  });

  it("delete returns once Key Vault finished deleting; the secret is deleted but recoverable", async () => {
    const b = backend();
    await b.write({ ...ref("company", "TOKEN"), value: "first" });
    const [name] = await liveNames();
    await b.delete(ref("company", "TOKEN"));
    // The fake lists a secret as deleted only after its deletion completed (a few polls).
    expect(await deletedNames()).toEqual([name]);
    expect(await liveNames()).toEqual([]);
    const listed = await b.softDelete!.listDeleted({ tenant: "acme", namespace: "company" });
    expect(listed).toEqual([
      {
        key: "TOKEN",
        namespace: "company",
        backendName: name,
        deletedOn: expect.any(String),
        purgeOn: expect.any(String),
      },
    ]);
    expect(Date.parse(listed[0].purgeOn!) - Date.parse(listed[0].deletedOn!)).toBe(90 * 24 * 3600 * 1000);
    // Another namespace's view does not show it.
    expect(await b.softDelete!.listDeleted({ tenant: "acme", namespace: "other" })).toEqual([]);
  });

  it("writing a key whose secret is deleted but recoverable answers conflict and says so", async () => {
    const b = backend();
    await b.write({ ...ref("company", "TOKEN"), value: "first" });
    await b.delete(ref("company", "TOKEN"));
    const e = await failure(b.write({ ...ref("company", "TOKEN"), value: "second" }));
    expect(e.code).toBe("conflict");
    expect(e.message).toMatch(/deleted but recoverable.*Recover it/);
    expect(await liveNames()).toEqual([]);
  });

  it("Recover returns once the secret is back, with its value; the index entry is answered", async () => {
    const b = backend();
    await b.write({ ...ref("company", "TOKEN"), value: "first", description: "kept" });
    await b.delete(ref("company", "TOKEN"));
    const entry = await b.softDelete!.recover(ref("company", "TOKEN"));
    expect(entry).toMatchObject({ key: "TOKEN", namespace: "company", tenantTag: "acme", ignored: null });
    // No poll needed: the recovery has completed when recover returns.
    expect(await liveNames()).toEqual([entry.backendName]);
    expect(await deletedNames()).toEqual([]);
    expect(await b.read(ref("company", "TOKEN"))).toBe("first");
  });

  it("Purge frees the name: the key can be written again", async () => {
    const b = backend();
    await b.write({ ...ref("company", "TOKEN"), value: "first" });
    await b.delete(ref("company", "TOKEN"));
    expect(await b.softDelete!.purge(ref("company", "TOKEN"))).toEqual({ backendName: expect.any(String) });
    expect(await deletedNames()).toEqual([]);
    await b.write({ ...ref("company", "TOKEN"), value: "second" });
    expect(await b.read(ref("company", "TOKEN"))).toBe("second");
  });

  it("Recover or Purge of a key that is not deleted answers not-found", async () => {
    const b = backend();
    expect((await failure(b.softDelete!.recover(ref("company", "NOPE")))).code).toBe("not-found");
    expect((await failure(b.softDelete!.purge(ref("company", "NOPE")))).code).toBe("not-found");
  });

  it("a read-only configuration refuses Recover and Purge and changes nothing", async () => {
    await backend().write({ ...ref("company", "TOKEN"), value: "first" });
    await backend().delete(ref("company", "TOKEN"));
    const before = await deletedNames();
    const ro = backend({}, true);
    expect(await ro.softDelete!.listDeleted({ tenant: "acme", namespace: "company" })).toHaveLength(1);
    expect((await failure(ro.softDelete!.recover(ref("company", "TOKEN")))).code).toBe("read-only");
    expect((await failure(ro.softDelete!.purge(ref("company", "TOKEN")))).code).toBe("read-only");
    expect(await deletedNames()).toEqual(before);
  });

  it("without the recover permission, Recover answers forbidden", async () => {
    await registerApp("keyhold-no-recover", "no-recover-secret", ["get", "list", "set", "delete"]);
    const b = backend({
      clientSecret: { tenantId: env().tenantId, clientId: "keyhold-no-recover", clientSecret: "no-recover-secret" },
    });
    await b.write({ ...ref("company", "TOKEN"), value: "first" });
    await b.delete(ref("company", "TOKEN"));
    expect((await failure(b.softDelete!.recover(ref("company", "TOKEN")))).code).toBe("forbidden");
    expect((await failure(b.softDelete!.purge(ref("company", "TOKEN")))).code).toBe("forbidden");
    expect(await deletedNames()).toHaveLength(1);
  });

  it("the SDK's pollers poll: deletion and recovery answer 404 for a few GETs first (raw SDK)", async () => {
    await sdk().setSecret("polled", "v");
    const poller = await sdk().beginDeleteSecret("polled", { intervalInMs: 10 });
    expect(poller.isDone()).toBe(false);
    let polls = 0;
    while (!poller.isDone()) {
      await poller.poll();
      polls++;
    }
    expect(polls).toBeGreaterThanOrEqual(2);
    expect((await sdk().getDeletedSecret("polled")).properties.recoveryId).toContain("/deletedsecrets/polled");
    // As the real service: the versions of a secret that does not exist are an empty list, not a 404.
    const versions: string[] = [];
    for await (const v of sdk().listPropertiesOfSecretVersions("never-existed")) versions.push(v.version!);
    expect(versions).toEqual([]);
  });
});
