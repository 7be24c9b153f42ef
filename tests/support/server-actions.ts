// Test kit: server actions over plain HTTP, as the browser's runtime calls them (POST with a Next-Action header),
// without any UI. Playwright (e2e/auth-helpers.ts `callAction`) and the API fuzzer (scripts/test/api-fuzz) share it.
import { readFileSync } from "node:fs";

/** Server actions by name: [file, export]. The one table of action files the tests address. */
export const ACTIONS = {
  signIn: ["lib/actions/auth/sign-in.ts", "signInAction"],
  createTenant: ["lib/actions/tenants/create-tenant.ts", "createTenantAction"],
  createNamespace: ["lib/actions/namespaces/create-namespace.ts", "createNamespaceAction"],
  createSecret: ["lib/actions/secrets/create-secret.ts", "createSecretAction"],
  updateSecret: ["lib/actions/secrets/update-secret.ts", "updateSecretAction"],
  deleteSecret: ["lib/actions/secrets/delete-secret.ts", "deleteSecretAction"],
  saveConfig: ["lib/actions/managers/save-manager-config.ts", "saveManagerConfigAction"],
  previewSwitch: ["lib/actions/managers/preview-switch.ts", "previewSwitchAction"],
  verify: ["lib/actions/managers/verify-connection.ts", "verifyConnectionAction"],
  verifyForm: ["lib/actions/managers/verify-config-form.ts", "verifyConfigFormAction"],
  checkExpression: ["lib/actions/secrets/check-expression.ts", "checkExpressionAction"],
  showSubkeys: ["lib/actions/secrets/show-subkeys.ts", "showSubkeysAction"],
  addUser: ["lib/actions/users/add-tenant-user.ts", "addTenantUserAction"],
  addInstanceAdmin: ["lib/actions/users/add-instance-admin.ts", "addInstanceAdminAction"],
  createApiToken: ["lib/actions/tokens/create-api-token.ts", "createApiTokenAction"],
} as const;

export type ActionName = keyof typeof ACTIONS;

export interface ActionResult {
  ok: boolean;
  data?: unknown;
  error?: { code: string; message: string };
}

type Manifest = Record<string, { filename?: string; exportedName?: string }>;

export const MANIFEST_PATH = ".next/server/server-reference-manifest.json";
const manifests = new Map<string, Manifest>();

/** Server actions are addressed by ids Next.js derives at build time; the build's manifest maps them to files. */
export function actionId(file: string, exportedName: string, manifestPath = MANIFEST_PATH): string {
  let manifest = manifests.get(manifestPath);
  if (!manifest)
    manifests.set(manifestPath, (manifest = JSON.parse(readFileSync(manifestPath, "utf8")).node as Manifest));
  const hit = Object.entries(manifest).find(([, v]) => v.filename === file && v.exportedName === exportedName);
  if (!hit) throw new Error(`no server action ${exportedName} in ${file} in this build`);
  return hit[0];
}

/** The request headers the browser's runtime sends for an action (add the cookie yourself). */
export function actionHeaders(
  file: string,
  exportedName: string,
  origin: string,
  manifestPath?: string,
): Record<string, string> {
  return {
    "Next-Action": actionId(file, exportedName, manifestPath),
    "Content-Type": "text/plain;charset=UTF-8",
    Accept: "text/x-component",
    Origin: origin,
  };
}

/** The request body: the action's arguments. */
export const actionBody = (args: unknown) => JSON.stringify([args]);

/**
 * The action's return value from the RSC payload: row 1 (`1:{"ok":false,...}`), or null when there is none.
 * A row starting with "E" is an error Next.js raised before the action ran (e.g. a refused origin).
 */
export function actionResult(text: string): ActionResult | null {
  const line = text.split("\n").find((l) => l.startsWith("1:"));
  if (!line) return null;
  if (line.startsWith("1:E")) return { ok: false, error: { code: "next-error", message: line } };
  return JSON.parse(line.slice(2)) as ActionResult;
}

/** Calls actions with fetch, keeping the cookies the server sets (a signed-in client). */
export class ActionClient {
  constructor(
    readonly base: string,
    private readonly manifestPath = MANIFEST_PATH,
    public cookie = "",
  ) {}

  /**
   * Posts `args` to the action from `page`; keeps any cookie it sets; returns the action's result from the RSC payload.
   * Sign-in is posted from /login, as its form is: posted from `/`, the page's redirect to /login drops the new cookie.
   */
  async call(file: string, exportedName: string, args: unknown, page = "/"): Promise<ActionResult> {
    const response = await fetch(`${this.base}${page}`, {
      method: "POST",
      headers: {
        ...actionHeaders(file, exportedName, this.base, this.manifestPath),
        ...(this.cookie ? { Cookie: this.cookie } : {}),
      },
      body: actionBody(args),
      redirect: "manual",
    });
    const set = response.headers.getSetCookie().map((c) => c.split(";")[0]);
    if (set.length) this.cookie = mergeCookies(this.cookie, set);
    const text = await response.text();
    const result = actionResult(text);
    if (!result || result.error?.code === "next-error") {
      const line = text.split("\n").find((l) => l.startsWith("1:"));
      return {
        ok: false,
        error: { code: "next-error", message: `HTTP ${response.status}: ${(line ?? text).slice(0, 300)}` },
      };
    }
    return result;
  }

  /** Calls the action and throws unless it succeeded (or reported `already-exists`, so a rerun on the same data is fine). */
  async must(file: string, exportedName: string, args: unknown): Promise<void> {
    const result = await this.call(file, exportedName, args);
    if (!result.ok && result.error?.code !== "already-exists")
      throw new Error(`${exportedName}: ${JSON.stringify(result.error)}`);
  }
}

function mergeCookies(current: string, set: string[]): string {
  const jar = new Map(current ? current.split("; ").map((c) => [c.slice(0, c.indexOf("=")), c] as const) : []);
  for (const c of set) jar.set(c.slice(0, c.indexOf("=")), c);
  return [...jar.values()].join("; ");
}

/** A client signed in as `email`; fails when the server did not set a session cookie. */
export async function signedIn(base: string, email: string, password: string): Promise<ActionClient> {
  const client = new ActionClient(base);
  const result = await client.call(...ACTIONS.signIn, { email, password }, "/login");
  if (!result.ok || !client.cookie.includes("session_token="))
    throw new Error(`sign-in as ${email} failed: ${JSON.stringify(result.error ?? result)}`);
  return client;
}
