import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";
import path from "node:path";

const label = process.env.KEYHOLD_E2E_LABEL ?? "pglite";

/** Collects every response body the page receives (HTML, RSC payloads, JSON) and its console output, to search for canaries. */
export class ResponseRecorder {
  bodies: { url: string; body: string }[] = [];
  private pending: Promise<void>[] = [];
  constructor(page: Page) {
    page.on("console", (message) => void this.bodies.push({ url: `console:${message.type()}`, body: message.text() }));
    page.on("pageerror", (error) => void this.bodies.push({ url: "pageerror", body: String(error) }));
    page.on("response", (response) => {
      this.pending.push(
        response
          .text()
          .then((body) => void this.bodies.push({ url: response.url(), body }))
          .catch(() => undefined),
      );
    });
  }
  async containing(needle: string) {
    await Promise.all(this.pending);
    return this.bodies.filter((b) => b.body.includes(needle)).map((b) => b.url);
  }
}

export const test = base.extend<{ recorder: ResponseRecorder; shot: (name: string) => Promise<void> }>({
  recorder: async ({ page }, use) => {
    await use(new ResponseRecorder(page));
  },
  shot: async ({ page }, use) => {
    await use(async (name) => {
      await page.screenshot({ path: path.join("test-results", "screenshots", label, `${name}.png`), fullPage: true });
    });
  },
});

export { expect };

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
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
}
