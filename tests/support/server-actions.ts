// Server actions over plain HTTP, as the browser's runtime calls them (e2e/auth-helpers.ts `callAction` does the same
// inside Playwright): sign-in and seeding are actions, not HTTP endpoints.
import { readFileSync } from "node:fs";

type Manifest = Record<string, { filename?: string; exportedName?: string }>;

export interface ActionResult {
  ok: boolean;
  data?: unknown;
  error?: { code: string; message: string };
}

export class ActionClient {
  private readonly manifest: Manifest;

  constructor(
    readonly base: string,
    manifestPath = ".next/server/server-reference-manifest.json",
    public cookie = "",
  ) {
    this.manifest = JSON.parse(readFileSync(manifestPath, "utf8")).node;
  }

  private actionId(file: string, exportedName: string): string {
    const hit = Object.entries(this.manifest).find(([, v]) => v.filename === file && v.exportedName === exportedName);
    if (!hit) throw new Error(`no server action ${exportedName} in ${file} in this build`);
    return hit[0];
  }

  /**
   * Posts `args` to the action from `page`; keeps any cookie it sets; returns the action's result from the RSC payload.
   * Sign-in is posted from /login, as its form is: posted from `/`, the page's redirect to /login drops the new cookie.
   */
  async call(file: string, exportedName: string, args: unknown, page = "/"): Promise<ActionResult> {
    const response = await fetch(`${this.base}${page}`, {
      method: "POST",
      headers: {
        "Next-Action": this.actionId(file, exportedName),
        "Content-Type": "text/plain;charset=UTF-8",
        Accept: "text/x-component",
        Origin: this.base,
        ...(this.cookie ? { Cookie: this.cookie } : {}),
      },
      body: JSON.stringify([args]),
      redirect: "manual",
    });
    const set = response.headers.getSetCookie().map((c) => c.split(";")[0]);
    if (set.length) this.cookie = mergeCookies(this.cookie, set);
    const text = await response.text();
    // Row 1 of the payload is the action's return value: `1:{"ok":false,...}`; `1:E…` is an error Next.js raised first.
    const line = text.split("\n").find((l) => l.startsWith("1:"));
    if (!line || line.startsWith("1:E")) return { ok: false, error: { code: "next-error", message: `HTTP ${response.status}: ${(line ?? text).slice(0, 300)}` } };
    return JSON.parse(line.slice(2)) as ActionResult;
  }

  /** Calls the action and throws unless it succeeded (or reported `already-exists`, so a rerun on the same data is fine). */
  async must(file: string, exportedName: string, args: unknown): Promise<void> {
    const result = await this.call(file, exportedName, args);
    if (!result.ok && result.error?.code !== "already-exists") throw new Error(`${exportedName}: ${JSON.stringify(result.error)}`);
  }
}

function mergeCookies(current: string, set: string[]): string {
  const jar = new Map(current ? current.split("; ").map((c) => [c.slice(0, c.indexOf("=")), c] as const) : []);
  for (const c of set) jar.set(c.slice(0, c.indexOf("=")), c);
  return [...jar.values()].join("; ");
}

export const ACTIONS = {
  signIn: ["app/(auth)/_actions/sign-in.ts", "signInAction"],
  createTenant: ["app/(console)/_actions/create-tenant.ts", "createTenantAction"],
  createNamespace: ["app/(console)/_actions/create-namespace.ts", "createNamespaceAction"],
  createSecret: ["app/(console)/_actions/create-secret.ts", "createSecretAction"],
  addUser: ["app/(console)/_actions/add-tenant-user.ts", "addTenantUserAction"],
} as const;

/** A client signed in as `email`; fails when the server did not set a session cookie. */
export async function signedIn(base: string, email: string, password: string): Promise<ActionClient> {
  const client = new ActionClient(base);
  const result = await client.call(...ACTIONS.signIn, { email, password }, "/login");
  if (!result.ok || !client.cookie.includes("session_token=")) throw new Error(`sign-in as ${email} failed: ${JSON.stringify(result.error ?? result)}`);
  return client;
}
