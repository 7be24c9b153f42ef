import { startEmulators } from "../tests/support/emulators";
import { startRecordingServer } from "../tests/support/recording-server";
import { createTenant, expect, test } from "./fixtures";

// The egress policy, as a tenant administrator meets it on the settings form: loopback is refused before any
// connection; the server of this run allows exactly the emulators' ports (playwright.config.ts), so Vault works.

test.beforeAll(() => {
  startEmulators(["vault"]);
});

test("a form pointed at a loopback port is refused by the egress policy, and nothing reaches it", async ({
  page,
  shot,
}) => {
  const listener = await startRecordingServer();
  try {
    await createTenant(page, "egress");
    await page.goto("/tenants/egress/settings");
    await page.getByRole("switch", { name: "Use a dedicated secrets manager" }).click();
    await page.getByRole("radio", { name: "HashiCorp Vault" }).check();
    await page.getByLabel("Vault token").fill("CANARY-egress-e2e-token");

    for (const address of [listener.url, `http://localhost:${listener.port}`, `http://2130706433:${listener.port}`]) {
      await page.getByLabel("Address").fill(address);
      await page.getByRole("button", { name: "Verify connection" }).click();
      const result = page.getByTestId("verify-result");
      await expect(result).toHaveAttribute("data-status", "forbidden");
      await expect(result).toContainText("This address is not allowed by the instance's egress policy");
    }
    await shot("settings-egress-refused");
    expect(listener.connections()).toBe(0);

    // The emulator's port is allowed for this run: the same form reaches it.
    await page.getByLabel("Address").fill(process.env.KEYHOLD_VAULT_ADDR!);
    await page.getByLabel("Vault token").fill(process.env.KEYHOLD_VAULT_TOKEN!);
    await page.getByRole("button", { name: "Verify connection" }).click();
    await expect(page.getByTestId("verify-result")).toHaveAttribute("data-status", "ok");
  } finally {
    await listener.close();
  }
});
