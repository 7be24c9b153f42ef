import type { Request } from "@playwright/test";
import { createNamespace, createTenant, expect, test } from "./fixtures";

// Every console page is rendered per request (session, database), so a link prefetched as it enters the viewport is a
// server render nobody asked for: a view of the Secrets tab made 28 of them here (its tabs, breadcrumbs and menu, twice) and
// they delayed the next page's own render. Links prefetch only once the user shows intent (components/ui/link.tsx).

const isRscFetch = (r: Request) => r.resourceType() === "fetch" && new URL(r.url()).searchParams.has("_rsc");

test("a page view prefetches nothing; pointing at a tab prefetches that tab only, and a click still navigates in place", async ({
  page,
}) => {
  await createTenant(page, "prefetch");
  await createNamespace(page, "prefetch", "app");

  const rsc: string[] = [];
  const documents: string[] = [];
  page.on("request", (r) => {
    if (isRscFetch(r)) rsc.push(new URL(r.url()).pathname);
    if (r.resourceType() === "document") documents.push(new URL(r.url()).pathname);
  });
  await page.goto("/tenants/prefetch/namespaces/app/secrets");
  await expect(page.getByTestId("backend-summary")).toBeVisible();
  await page.waitForLoadState("networkidle");
  // Links are on screen (header, breadcrumbs, tabs, menu); networkidle has waited for anything they would fetch.
  expect(await page.locator("a[href^='/']").count()).toBeGreaterThan(3);
  expect(rsc).toEqual([]);

  const edit = page.getByRole("navigation", { name: "Namespace sections" }).getByRole("link", { name: "Edit" });
  await edit.hover();
  await expect.poll(() => rsc).toContain("/tenants/prefetch/namespaces/app/edit");
  expect(new Set(rsc)).toEqual(new Set(["/tenants/prefetch/namespaces/app/edit"]));

  // Keyboard users show intent by focus: the Overview tab is prefetched when tabbed to.
  await page.getByRole("navigation", { name: "Namespace sections" }).getByRole("link", { name: "Overview" }).focus();
  await expect.poll(() => rsc).toContain("/tenants/prefetch/namespaces/app");

  await edit.click();
  await expect(page).toHaveURL(/\/tenants\/prefetch\/namespaces\/app\/edit$/);
  await expect(page.getByRole("switch", { name: "Use a dedicated secrets manager" })).toBeVisible();
  expect(documents).toEqual(["/tenants/prefetch/namespaces/app/secrets"]);
});
