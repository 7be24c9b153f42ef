import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, test as setup } from "@playwright/test";
import { ADMIN, adminStatePath } from "./auth-helpers";

// The first-administrator flow: a fresh instance sends everyone to /setup, which disappears once used.
setup("create the first administrator on the setup page and keep the session", async ({ page, browser }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await page.getByLabel("Name").fill(ADMIN.name);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create administrator" }).click();
  await expect(page.locator("#password-error")).toHaveText("At least 12 characters");

  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create administrator" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("signed-in-as")).toHaveText(ADMIN.email);

  // Once an administrator exists, the setup page is gone for everyone: signed out it leads to sign-in.
  const stranger = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const other = await stranger.newPage();
  await other.goto("/setup");
  await expect(other).toHaveURL(/\/login$/);
  await stranger.close();

  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name.endsWith("session_token"));
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict" });
  mkdirSync(path.dirname(adminStatePath()), { recursive: true });
  await page.context().storageState({ path: adminStatePath() });
});
