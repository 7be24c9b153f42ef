import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";
import path from "node:path";
import { ResponseRecorder } from "./response-recorder";

const label = process.env.KEYHOLD_E2E_LABEL ?? "pglite";

export const test = base.extend<{ recorder: ResponseRecorder; shot: (name: string) => Promise<void> }>({
  recorder: async ({ page, baseURL }, use, testInfo) => {
    const recorder = await ResponseRecorder.attach(page, baseURL!);
    await use(recorder);
    await recorder.report(testInfo);
  },
  shot: async ({ page }, use) => {
    await use(async (name) => {
      await page.screenshot({ path: path.join("test-results", "screenshots", label, `${name}.png`), fullPage: true });
    });
  },
});

export { expect, ResponseRecorder };

export async function createTenant(page: Page, slug: string) {
  await page.goto("/");
  await page.getByLabel("Tenant id").fill(slug);
  await page.getByRole("button", { name: "Create tenant" }).click();
  await expect(page).toHaveURL(new RegExp(`/tenants/${slug}$`));
}

export async function createNamespace(page: Page, tenant: string, path: string) {
  await page.goto(`/tenants/${tenant}`);
  await page.getByLabel("New namespace").fill(path);
  await page.getByRole("button", { name: "Create namespace" }).click();
  await expect(page.locator("#namespace-path-message")).toContainText("Created");
}

/** Serious and critical accessibility violations on the current page (axe-core), as readable lines. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
}

/** The manager form's confirmation before a save that switches the backend serving a namespace. */
export const switchDialog = (page: Page) => page.getByRole("dialog", { name: "Switch the secrets backend?" });

/**
 * Clicks the manager form's Save and, when the switch dialog appears (the save changes the backend serving a namespace
 * that sees secrets now), confirms it with "Switch and save". Resolves once the form shows its outcome (saved or an
 * error); returns whether the dialog was shown.
 */
export async function submitManagerForm(page: Page): Promise<boolean> {
  const dialog = switchDialog(page);
  const outcome = () => page.getByTestId("form-saved").or(page.getByTestId("form-error"));
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(outcome().or(dialog).first()).toBeVisible();
  const shown = await dialog.isVisible();
  if (shown) {
    await dialog.getByRole("button", { name: "Switch and save" }).click();
    await expect(dialog).toBeHidden();
    await expect(outcome().first()).toBeVisible();
  }
  return shown;
}

/** Saves the manager form (confirming a backend switch if asked) and checks the saved message, e.g. "version 2". */
export async function saveManagerForm(page: Page, message?: string): Promise<boolean> {
  const shown = await submitManagerForm(page);
  const saved = page.getByTestId("form-saved");
  if (message) await expect(saved).toContainText(message);
  else await expect(saved).toBeVisible();
  return shown;
}
