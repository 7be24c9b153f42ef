import type { Page, Response } from "@playwright/test";
import { createNamespace, createTenant, expect, test } from "./fixtures";

// The Secrets tab is the page administrators open most, and its first rows wait for its scripts when the browser runs
// them before painting. zod (about 36 KiB gzipped) was in those scripts only because two client components imported a
// module that also declared schemas (verify's operation labels, and the backend descriptors for one soft-delete flag).
// zod's classes carry their names as strings ("$ZodType"), which is what is looked for in every script the page loads.
const ZOD_MARK = "$ZodType";

async function scriptsOf(page: Page, path: string): Promise<{ url: string; body: string }[]> {
  const responses: Response[] = [];
  const onResponse = (r: Response) => void (r.request().resourceType() === "script" && responses.push(r));
  page.on("response", onResponse);
  await page.goto(path);
  await page.waitForLoadState("networkidle");
  page.off("response", onResponse);
  return Promise.all(responses.map(async (r) => ({ url: new URL(r.url()).pathname, body: await r.text() })));
}

test("the Secrets tab loads no schema library; the settings form, which validates with it, does", async ({ page }) => {
  await createTenant(page, "weight");
  await createNamespace(page, "weight", "app");

  const secrets = await scriptsOf(page, "/tenants/weight/namespaces/app/secrets");
  await expect(page.getByTestId("backend-summary")).toBeVisible();
  expect(secrets.length).toBeGreaterThan(3);
  expect(secrets.filter((s) => s.body.includes(ZOD_MARK)).map((s) => s.url)).toEqual([]);

  // The same look finds zod where a client component needs it, so the check above can fail.
  const edit = await scriptsOf(page, "/tenants/weight/namespaces/app/edit");
  await expect(page.getByRole("switch", { name: "Use a dedicated secrets manager" })).toBeVisible();
  expect(edit.some((s) => s.body.includes(ZOD_MARK))).toBe(true);
});
