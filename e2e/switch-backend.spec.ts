import { root } from "../tests/support/backends/vault-root";
import { emulatorEnv } from "../tests/support/emulators";
import { createNamespace, createTenant, expect, switchDialog, test } from "./fixtures";

// Switching a namespace's backend without surprises: secrets in the builtin store, a dedicated Vault (OpenBao) that has
// some of their keys. Saving shows the counts (checked against what the two stores really hold) and the key that would
// disappear; Cancel keeps the old configuration, "Switch and save" saves and the audit entry records the counts. Then a
// switch that loses nothing (Vault holds every key the namespace sees) still asks, with counts, and records them too.
// Editing only the Vault's path prefix (same address, token kept) asks the same way, with the counts of both folders.

test.describe.configure({ mode: "serial" });

const run = Date.now().toString(36);
const tenant = `sw-${run}`;
const ns = "app";
const prefix = `e2e-switch-${run}`;
const BUILTIN = ["API_TOKEN", "SHARED", "ONLY_BUILTIN"];
const VAULT = ["API_TOKEN", "SHARED", "ONLY_VAULT"];

test("a namespace switched from the builtin store to Vault: counts, the disappearing key, cancel, then confirm", async ({
  page,
  shot,
}) => {
  const vault = root();
  const mount = emulatorEnv("KEYHOLD_VAULT_KV2_MOUNT");
  for (const key of VAULT) await vault.write(`${mount}/data/${prefix}/${key}`, { data: { value: `vault-${key}` } });
  await createTenant(page, tenant);
  await createNamespace(page, tenant, ns);
  for (const key of BUILTIN) {
    const r = await page.request.post(`/api/v1/tenants/${tenant}/namespaces/${ns}/secrets`, {
      data: { key, value: `builtin-${key}` },
    });
    expect(r.status()).toBe(201);
  }

  // What the stores really hold, read from them rather than from the lists above.
  const now = (
    (await (await page.request.get(`/api/v1/tenants/${tenant}/namespaces/${ns}/secrets?refresh=1`)).json()) as {
      rows: { key: string }[];
    }
  ).rows.map((r) => r.key);
  const inVault = ((await vault.list(`${mount}/metadata/${prefix}`)) as { data: { keys: string[] } }).data.keys;
  const kept = now.filter((k) => inVault.includes(k));
  const missing = now.filter((k) => !inVault.includes(k));
  const added = inVault.filter((k) => !now.includes(k));
  expect([now.length, kept.length, missing, added]).toEqual([3, 2, ["ONLY_BUILTIN"], ["ONLY_VAULT"]]);

  const fill = async () => {
    await page.goto(`/tenants/${tenant}/namespaces/${ns}/edit`);
    await expect(page.getByTestId("effective-backend")).toContainText("Builtin store");
    await page.getByRole("switch", { name: "Use a dedicated secrets manager" }).click();
    await page.getByRole("radio", { name: "HashiCorp Vault" }).check();
    await page.getByRole("switch", { name: "Read-only" }).click();
    await page.getByLabel("Address").fill(emulatorEnv("KEYHOLD_VAULT_ADDR"));
    await page.getByLabel("Secret path prefix").fill(prefix);
    await page.getByLabel("Vault token").fill(emulatorEnv("KEYHOLD_VAULT_TOKEN"));
    await page.getByRole("button", { name: "Save" }).click();
  };
  const dialog = page.getByRole("dialog", { name: "Switch the secrets backend?" });

  await fill();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("switch-changes")).toHaveText("Changed: dedicated secrets manager turned on.");
  await expect(dialog.getByTestId("switch-counts")).toHaveText(
    `The namespace sees ${now.length} secrets now; the new backend has ${kept.length} of their keys. ${missing.length} would disappear from flows, ${added.length} would appear.`,
  );
  await expect(dialog.getByTestId("switch-missing").getByRole("listitem")).toHaveText(
    missing.map((k) => `${ns}: ${k}`),
  );
  await expect(dialog).toContainText("HashiCorp Vault");
  // Keys would disappear: the focus starts on the safe choice.
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await shot("switch-preview-dialog");

  // Cancel: nothing saved, the namespace is still on the builtin store.
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("form-saved")).toHaveCount(0);
  const manager = await page.request.get(`/api/v1/tenants/${tenant}/namespaces/${ns}/manager`);
  expect(await manager.json()).toMatchObject({ exists: false, version: null });
  await page.reload();
  await expect(page.getByTestId("effective-backend")).toContainText("Builtin store");

  // Confirm: saved, the namespace now lists Vault's keys.
  await fill();
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Switch and save" }).click();
  await expect(page.getByTestId("form-saved")).toContainText("version 1");
  await expect(page.getByTestId("effective-backend")).toContainText("HashiCorp Vault");
  await page.goto(`/tenants/${tenant}/namespaces/${ns}/secrets`);
  await expect(page.locator("tr[data-secret-key]")).toHaveCount(inVault.length);
  await expect(page.locator('tr[data-secret-key="ONLY_BUILTIN"]')).toHaveCount(0);
  await expect(page.locator('tr[data-secret-key="ONLY_VAULT"]')).toHaveCount(1);

  // The audit entry records the counts the dialog showed.
  await page.goto(`/tenants/${tenant}/audit`);
  const entry = page.locator('tr[data-audit-action="config.created"][data-audit-outcome="success"]');
  await expect(entry).toHaveCount(1);
  for (const [name, value] of Object.entries({
    current: now.length,
    kept: kept.length,
    missing: missing.length,
    added: added.length,
  }))
    await expect(entry).toContainText(`"${name}":${value}`);
  await shot("switch-audit");
});

test("the same Vault under another path prefix: the form asks too, with the counts of both folders", async ({
  page,
}) => {
  const vault = root();
  const mount = emulatorEnv("KEYHOLD_VAULT_KV2_MOUNT");
  const other = `${prefix}-other`;
  await vault.write(`${mount}/data/${other}/SHARED`, { data: { value: "other-SHARED" } });
  const list = async (folder: string) =>
    ((await vault.list(`${mount}/metadata/${folder}`)) as { data: { keys: string[] } }).data.keys;
  const now = await list(prefix);
  const after = await list(other);
  const missing = now.filter((k) => !after.includes(k)).sort();
  const added = after.filter((k) => !now.includes(k));
  expect([now.length, missing, added]).toEqual([3, ["API_TOKEN", "ONLY_VAULT"], []]);

  // Only the prefix changes: same type, address and token (kept), yet every key but SHARED would disappear.
  await page.goto(`/tenants/${tenant}/namespaces/${ns}/edit`);
  await expect(page.getByTestId("effective-backend")).toContainText("HashiCorp Vault");
  await page.getByLabel("Secret path prefix").fill(other);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const dialog = switchDialog(page);
  await expect(dialog).toBeVisible();
  // The backend is the same on both sides of "From … to …": the dialog names the setting that makes it a switch.
  await expect(dialog.getByTestId("switch-changes")).toHaveText("Changed: secret path prefix.");
  await expect(dialog.getByTestId("switch-counts")).toHaveText(
    `The namespace sees ${now.length} secrets now; the new backend has ${now.length - missing.length} of their keys. ${missing.length} would disappear from flows.`,
  );
  const listed = await dialog.getByTestId("switch-missing").getByRole("listitem").allTextContents();
  expect(listed.sort()).toEqual(missing.map((k) => `${ns}: ${k}`));
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();

  // Cancel: the stored manager still reads the first folder.
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  const manager = await page.request.get(`/api/v1/tenants/${tenant}/namespaces/${ns}/manager`);
  expect(await manager.json()).toMatchObject({
    version: 1,
    settings: { vault: { "secret-path-prefix": prefix } },
  });
});

test("a switch that loses no key still asks: every key exists in the new backend, Escape cancels, then confirm", async ({
  page,
  shot,
}) => {
  // Another tenant, so its audit log holds this switch only: the builtin store has two keys, Vault has both and one more.
  const tenant2 = `sw2-${run}`;
  const next = `${prefix}-b`;
  const builtin = ["API_TOKEN", "SHARED"];
  const vault = root();
  const mount = emulatorEnv("KEYHOLD_VAULT_KV2_MOUNT");
  for (const key of [...builtin, "EXTRA"])
    await vault.write(`${mount}/data/${next}/${key}`, { data: { value: `b-${key}` } });
  await createTenant(page, tenant2);
  await createNamespace(page, tenant2, ns);
  for (const key of builtin) {
    const r = await page.request.post(`/api/v1/tenants/${tenant2}/namespaces/${ns}/secrets`, {
      data: { key, value: `builtin-${key}` },
    });
    expect(r.status()).toBe(201);
  }
  const now = (
    (await (await page.request.get(`/api/v1/tenants/${tenant2}/namespaces/${ns}/secrets?refresh=1`)).json()) as {
      rows: { key: string }[];
    }
  ).rows.map((r) => r.key);
  const inNext = ((await vault.list(`${mount}/metadata/${next}`)) as { data: { keys: string[] } }).data.keys;
  const added = inNext.filter((k) => !now.includes(k));
  expect([now.length, now.filter((k) => !inNext.includes(k)), added]).toEqual([2, [], ["EXTRA"]]);

  const fill = async () => {
    await page.goto(`/tenants/${tenant2}/namespaces/${ns}/edit`);
    await expect(page.getByTestId("effective-backend")).toContainText("Builtin store");
    await page.getByRole("switch", { name: "Use a dedicated secrets manager" }).click();
    await page.getByRole("radio", { name: "HashiCorp Vault" }).check();
    await page.getByRole("switch", { name: "Read-only" }).click();
    await page.getByLabel("Address").fill(emulatorEnv("KEYHOLD_VAULT_ADDR"));
    await page.getByLabel("Secret path prefix").fill(next);
    await page.getByLabel("Vault token").fill(emulatorEnv("KEYHOLD_VAULT_TOKEN"));
    await page.getByRole("button", { name: "Save", exact: true }).click();
  };
  const dialog = switchDialog(page);

  await fill();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("switch-counts")).toHaveText(
    new RegExp(
      `^All ${now.length} keys the namespace sees now exist in the new backend, ${added.length} more would appear; ` +
        "nothing would disappear from flows\\. Values come from HashiCorp Vault.* after saving\\.$",
    ),
  );
  await expect(dialog.getByTestId("switch-missing")).toHaveCount(0);
  // Nothing would be lost: the focus starts on the confirmation.
  await expect(dialog.getByRole("button", { name: "Switch and save" })).toBeFocused();
  await shot("switch-preview-no-loss");

  // Escape cancels: nothing saved, the namespace is still on the builtin store.
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("form-saved")).toHaveCount(0);
  const manager = await page.request.get(`/api/v1/tenants/${tenant2}/namespaces/${ns}/manager`);
  expect(await manager.json()).toMatchObject({ exists: false, version: null });

  // Confirmed with the keyboard: Enter on the focused "Switch and save".
  await fill();
  await expect(dialog.getByRole("button", { name: "Switch and save" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("form-saved")).toContainText("version 1");
  await expect(page.getByTestId("effective-backend")).toContainText("HashiCorp Vault");
  await page.goto(`/tenants/${tenant2}/namespaces/${ns}/secrets`);
  await expect(page.locator("tr[data-secret-key]")).toHaveCount(inNext.length);

  // The audit entry records the counts the dialog showed.
  await page.goto(`/tenants/${tenant2}/audit`);
  const entry = page.locator('tr[data-audit-action="config.created"][data-audit-outcome="success"]');
  await expect(entry).toHaveCount(1);
  for (const [name, value] of Object.entries({
    current: now.length,
    kept: now.length,
    missing: 0,
    added: added.length,
  }))
    await expect(entry).toContainText(`"${name}":${value}`);
});
