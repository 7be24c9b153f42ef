import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type APIRequestContext, type Browser, type Page } from "@playwright/test";

/** The first administrator, created by auth.setup.ts through the setup page. */
export const ADMIN = { email: "admin@keyhold.test", name: "First Admin", password: "correct horse battery staple" };
export const PASSWORD = "users-password-1234";
export const BASE_URL = `http://localhost:${process.env.KEYHOLD_E2E_PORT ?? 3100}`;

export const adminStatePath = () => path.join("test-results", ".auth", `admin-${process.env.KEYHOLD_E2E_LABEL ?? "pglite"}.json`);

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
export async function grantRole(page: Page, tenant: string, user: { email: string; role: "Tenant administrator" | "Namespace editor" | "Viewer"; namespace?: string; name?: string }) {
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

// Server actions are addressed by ids Next.js derives at build time; the build's manifest maps them to files.
let manifest: Record<string, { filename?: string; exportedName?: string }> | undefined;
function actionId(file: string, exportedName: string): string {
  manifest ??= JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")).node;
  const hit = Object.entries(manifest!).find(([, v]) => v.filename === file && v.exportedName === exportedName);
  if (!hit) throw new Error(`no server action ${exportedName} in ${file}`);
  return hit[0];
}

/**
 * Calls a server action the way the browser's runtime does (POST with a Next-Action header), without any UI,
 * so a test can check what the server refuses. Returns the action's result, decoded from the RSC payload.
 */
export async function callAction(request: APIRequestContext, file: string, exportedName: string, args: unknown, origin = BASE_URL) {
  const response = await request.post("/", {
    headers: { "Next-Action": actionId(file, exportedName), "Content-Type": "text/plain;charset=UTF-8", Accept: "text/x-component", Origin: origin },
    data: JSON.stringify([args]),
    maxRedirects: 0,
  });
  const text = await response.text();
  // The payload's row 1 is the action's return value: `1:{"ok":false,...}`.
  const line = text.split("\n").find((l) => l.startsWith("1:"));
  type Result = { ok: boolean; error?: { code: string; message: string }; data?: unknown };
  // A row starting with "E" is an error Next.js raised before the action ran (e.g. a refused origin).
  const result: Result | null = !line ? null : line.startsWith("1:E") ? { ok: false, error: { code: "next-error", message: line } } : JSON.parse(line.slice(2));
  return { status: response.status(), text, result };
}

/** Server actions by name: [file, export]. */
export const ACTIONS = {
  createTenant: ["app/(console)/_actions/create-tenant.ts", "createTenantAction"],
  createNamespace: ["app/(console)/_actions/create-namespace.ts", "createNamespaceAction"],
  createSecret: ["app/(console)/_actions/create-secret.ts", "createSecretAction"],
  updateSecret: ["app/(console)/_actions/update-secret.ts", "updateSecretAction"],
  deleteSecret: ["app/(console)/_actions/delete-secret.ts", "deleteSecretAction"],
  saveConfig: ["app/(console)/_actions/save-manager-config.ts", "saveManagerConfigAction"],
  verify: ["app/(console)/_actions/verify-connection.ts", "verifyConnectionAction"],
  verifyForm: ["app/(console)/_actions/verify-config-form.ts", "verifyConfigFormAction"],
  checkExpression: ["app/(console)/_actions/check-expression.ts", "checkExpressionAction"],
  addUser: ["app/(console)/_actions/add-tenant-user.ts", "addTenantUserAction"],
  addInstanceAdmin: ["app/(console)/_actions/add-instance-admin.ts", "addInstanceAdminAction"],
} as const;

export async function act(request: APIRequestContext, name: keyof typeof ACTIONS, args: unknown, origin?: string) {
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
export async function expectForbidden(request: APIRequestContext, name: keyof typeof ACTIONS, args: unknown) {
  const r = await act(request, name, args);
  expect(r.result?.error?.code, `${name}: ${r.text.slice(0, 300)}`).toBe("forbidden");
}
