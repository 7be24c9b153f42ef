// `bin/keyhold --url https://keyhold.example.com --token kh_… export|apply`: configuration as code through REST API v1
// (docs/api.md) instead of the database. The file's ${ENV} references are resolved here, from the caller's environment,
// and their values sent as the request's write-only `variables`: the server never reads its own environment for them.
import { KeyholdError, ERROR_CODES, type ErrorCode } from "../lib/errors";
import { parseTenantFile } from "../lib/config-as-code/tenant-file";
import { renderPlan } from "../lib/config-as-code/render-plan";

export interface Remote {
  url: string;
  token: string;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** The server's base URL: https, or http on a loopback address only (a token is never sent in clear over a network). */
export function remoteOf(url: string | undefined, token: string | undefined): Remote | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new KeyholdError("invalid-input", `--url '${url}' is not a URL (https://keyhold.example.com).`);
  }
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && LOOPBACK.test(parsed.hostname)))
    throw new KeyholdError(
      "invalid-input",
      "--url must be https:// (http:// only for localhost): the token is sent with every request.",
    );
  if (!token)
    throw new KeyholdError("invalid-input", "With --url, set KEYHOLD_API_TOKEN (or --token) to an API token (kh_…).");
  return { url: parsed.origin + parsed.pathname.replace(/\/+$/, ""), token };
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}/g;

/** The values of the variables a tenant file's managers reference, from this process's environment (those that are set). */
export function variablesFor(
  source: string,
  fileName: string,
  env: Record<string, string | undefined>,
): Record<string, string> {
  const names = new Set<string>();
  const walk = (value: unknown) => {
    if (typeof value === "string") for (const m of value.matchAll(ENV_REF)) names.add(m[1]);
    else if (value && typeof value === "object") Object.values(value).forEach(walk);
  };
  for (const m of parseTenantFile(source, fileName).managers) walk(m.document);
  const out: Record<string, string> = {};
  for (const name of [...names].sort()) if (env[name] !== undefined) out[name] = env[name]!;
  return out;
}

async function call(remote: Remote, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(`${remote.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${remote.token}`,
        accept: "application/json, application/problem+json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: "error",
      signal: AbortSignal.timeout(120_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new KeyholdError("unreachable", `Cannot reach ${remote.url} (${cause}).`);
  }
  const text = await response.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : null;
  } catch {
    json = null;
  }
  if (response.ok && json) return json;
  const code = (ERROR_CODES as readonly string[]).includes(json?.code as string)
    ? (json!.code as ErrorCode)
    : "internal";
  throw new KeyholdError(
    code,
    typeof json?.detail === "string" ? json.detail : `${remote.url} answered ${response.status} to ${method} ${path}.`,
    json?.fieldErrors as Record<string, string> | undefined,
  );
}

const tenantPath = (tenant: string) => `/api/v1/tenants/${encodeURIComponent(tenant)}`;

export async function remoteExport(remote: Remote, tenant: string) {
  const r = await call(remote, "GET", `${tenantPath(tenant)}/config-export`);
  return {
    yaml: r.yaml as string,
    variables: r.variables as { variable: string }[],
    warnings: r.warnings as string[],
  };
}

type PlanView = {
  tenant: string;
  items: Parameters<typeof renderPlan>[0]["items"];
  changes: boolean;
  planVersion: string;
};

/** Shows the server's plan; with `yes`, applies exactly that plan (refused with a conflict if the tenant changed since). */
export async function remoteApply(
  remote: Remote,
  source: string,
  fileName: string,
  yes: boolean,
  print: (line: string) => void,
): Promise<number> {
  const variables = variablesFor(source, fileName, process.env);
  const tenant = parseTenantFile(source, fileName).tenant;
  const plan = (await call(remote, "POST", `${tenantPath(tenant)}/config-plan`, {
    file: source,
    variables,
  })) as PlanView;
  print(renderPlan(plan));
  if (!plan.changes) return 0;
  if (!yes) {
    print("\nNothing was applied. Run again with --yes to apply this plan.");
    return 0;
  }
  const done = await call(remote, "POST", `${tenantPath(tenant)}/config-apply`, {
    file: source,
    variables,
    planVersion: plan.planVersion,
  });
  print(
    `\nApplied ${done.applied as number} change(s) to tenant '${tenant}' on ${remote.url} (audited as the token's user).`,
  );
  return 0;
}
