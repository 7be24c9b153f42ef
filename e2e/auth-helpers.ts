import path from "node:path";
import { expect, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { ACTIONS, actionBody, actionHeaders, actionResult, type ActionName } from "../tests/support/server-actions";

/** The first administrator, created by auth.setup.ts through the setup page. */
export const ADMIN = { email: "admin@keyhold.test", name: "First Admin", password: "correct horse battery staple" };
export const PASSWORD = "users-password-1234";
export const BASE_URL = `http://localhost:${process.env.KEYHOLD_E2E_PORT ?? 3100}`;

export const adminStatePath = () =>
  path.join("test-results", ".auth", `admin-${process.env.KEYHOLD_E2E_LABEL ?? "pglite"}.json`);

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByRole("textbox", { name: "Email", exact: true }).fill(email);
  await page.getByRole("textbox", { name: "Password", exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** A page in a fresh context (no admin cookie), signed in as `email`. */
export async function pageAs(browser: Browser, email: string, password = PASSWORD): Promise<Page> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await signIn(page, email, password);
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
  return page;
}

/** Gives `email` a role in `tenant` through the Users page, creating the account when it is new. */
export async function grantRole(
  page: Page,
  tenant: string,
  user: {
    email: string;
    role: "Tenant administrator" | "Namespace editor" | "Viewer";
    namespace?: string;
    name?: string;
  },
) {
  await page.goto(`/tenants/${tenant}/users`);
  const form = page.getByRole("form", { name: "Add user" });
  await form.getByRole("textbox", { name: "Email", exact: true }).fill(user.email);
  await form.getByRole("combobox", { name: "Role", exact: true }).selectOption({ label: user.role });
  if (user.namespace) await form.getByRole("combobox", { name: "Namespace", exact: true }).selectOption(user.namespace);
  await form.getByRole("textbox", { name: "Name", exact: true }).fill(user.name ?? user.email.split("@")[0]);
  await form.getByRole("textbox", { name: "Initial password", exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByTestId("users-notice")).toContainText(`Gave ${user.email}`);
}

/**
 * Calls a server action the way the browser's runtime does (POST with a Next-Action header), without any UI,
 * so a test can check what the server refuses. Returns the action's result, decoded from the RSC payload.
 */
export async function callAction(
  request: APIRequestContext,
  file: string,
  exportedName: string,
  args: unknown,
  origin = BASE_URL,
) {
  const response = await request.post("/", {
    headers: actionHeaders(file, exportedName, origin),
    data: actionBody(args),
    maxRedirects: 0,
  });
  const text = await response.text();
  return { status: response.status(), text, result: actionResult(text) };
}

export async function act(request: APIRequestContext, name: ActionName, args: unknown, origin?: string) {
  const [file, exported] = ACTIONS[name];
  return callAction(request, file, exported, args, origin);
}

/** Creates a tenant (as the caller, normally the administrator) unless it exists, so specs do not depend on their order. */
export async function ensureTenant(request: APIRequestContext, slug: string) {
  const r = await act(request, "createTenant", { slug, displayName: slug });
  expect(r.result?.ok || r.result?.error?.code === "already-exists", r.text).toBe(true);
}

export async function ensureNamespace(request: APIRequestContext, tenant: string, path: string) {
  const r = await act(request, "createNamespace", { tenant, path });
  expect(r.result?.ok || r.result?.error?.code === "already-exists", r.text).toBe(true);
}

/** Every direct refusal looks the same: the action answers `forbidden` and changes nothing. */
export async function expectForbidden(request: APIRequestContext, name: ActionName, args: unknown) {
  const r = await act(request, name, args);
  expect(r.result?.error?.code, `${name}: ${r.text.slice(0, 300)}`).toBe("forbidden");
}
