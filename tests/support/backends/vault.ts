// Test-only: seeds and inspects OpenBao directly with the root token, the way a Vault user would,
// and builds Keyhold's Vault backend on it. Settings come from scripts/emulators/start.sh (docs/emulators.md).
import { afterAll, beforeAll, expect } from "vitest";
import type { Attachment } from "../../../lib/backends/adapter";
import { mapLimit } from "../../../lib/backends/page-budget";
import { listable, type ListableBackend } from "../scan-list";
import { parseConfigDocument, type ConfigDocument } from "../../../lib/backends/document";
import { emulatorEnv } from "../emulators";
import { loopbackOnly, type LoopbackOnly } from "../loopback-only";
import { createVaultBackend } from "../../../lib/backends/vault/adapter";
import { root } from "./vault-root";

export interface Target {
  name: string;
  mount: string;
  version: 1 | 2;
  namespace?: string;
}

export const env = {
  get addr() {
    return emulatorEnv("KEYHOLD_VAULT_ADDR");
  },
  get rootToken() {
    return emulatorEnv("KEYHOLD_VAULT_TOKEN");
  },
  get username() {
    return emulatorEnv("KEYHOLD_VAULT_USERNAME");
  },
  get password() {
    return emulatorEnv("KEYHOLD_VAULT_PASSWORD");
  },
  get roleId() {
    return emulatorEnv("KEYHOLD_VAULT_ROLE_ID");
  },
  get secretId() {
    return emulatorEnv("KEYHOLD_VAULT_SECRET_ID");
  },
  get namespace() {
    return emulatorEnv("KEYHOLD_VAULT_NAMESPACE");
  },
};

/** KV v2, KV v1, and KV v2 inside the team-ns namespace. */
export const targets = (): Target[] => [
  { name: "kv v2", mount: emulatorEnv("KEYHOLD_VAULT_KV2_MOUNT"), version: 2 },
  { name: "kv v1", mount: emulatorEnv("KEYHOLD_VAULT_KV1_MOUNT"), version: 1 },
  {
    name: `kv v2 in namespace ${env.namespace}`,
    mount: emulatorEnv("KEYHOLD_VAULT_NAMESPACE_KV2_MOUNT"),
    version: 2,
    namespace: env.namespace,
  },
];

export const TENANT: Attachment = { tenant: "acme", namespace: null };
export const COMPANY: Attachment = { tenant: "acme", namespace: "company" };
export const FILE: Attachment = { tenant: null, namespace: null };

let counter = 0;
const run = `kh-${process.pid}-${Date.now().toString(36)}`;
/** A folder no other test uses. */
export const uniqueBase = (name: string) => `${run}/${name.replace(/[^A-Za-z0-9_-]+/g, "-")}-${++counter}`;

export { root };

// A fresh KV v2 mount answers "upgrading" for a moment; a user's CLI retries the same way.
async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i > 40 || !/upgrad/i.test(String((e as Error).message))) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Writes an entry as `vault kv put` would. */
export async function seed(t: Target, rel: string, fields: Record<string, unknown>): Promise<void> {
  const c = root(t.namespace);
  await retrying(() =>
    t.version === 2 ? c.write(`${t.mount}/data/${rel}`, { data: fields }) : c.write(`${t.mount}/${rel}`, fields),
  );
}

export async function seedMany(t: Target, items: [string, Record<string, unknown>][], concurrency = 16): Promise<void> {
  await mapLimit(items, concurrency, ([rel, fields]) => seed(t, rel, fields));
}

const status = (e: unknown) => (e as { response?: { statusCode?: number } }).response?.statusCode;

export interface Inspected {
  fields: Record<string, unknown>;
  /** KV v2 custom_metadata (null for KV v1). */
  custom: Record<string, string> | null;
  /** KV v2 number of versions kept (0 for KV v1). */
  versions: number;
}

/** Reads an entry directly, or null when there is none (KV v2: no metadata either). */
export async function inspect(t: Target, rel: string): Promise<Inspected | null> {
  const c = root(t.namespace);
  try {
    if (t.version === 1) return { fields: (await c.read(`${t.mount}/${rel}`)).data, custom: null, versions: 0 };
    const meta = (await c.read(`${t.mount}/metadata/${rel}`)).data;
    const data = await c.read(`${t.mount}/data/${rel}`).then(
      (r) => r.data.data,
      () => null,
    );
    return { fields: data, custom: meta.custom_metadata ?? {}, versions: Object.keys(meta.versions ?? {}).length };
  } catch (e) {
    if (status(e) === 404) return null;
    throw e;
  }
}

/** Every entry below a folder with its fields: a picture to compare before and after. */
export async function tree(t: Target, folder: string): Promise<Record<string, unknown>> {
  const c = root(t.namespace);
  const out: Record<string, unknown> = {};
  const walk = async (rel: string): Promise<void> => {
    const keys: string[] = await c.list(t.version === 2 ? `${t.mount}/metadata/${rel}/` : `${t.mount}/${rel}/`).then(
      (r) => r.data.keys,
      (e) => (status(e) === 404 ? [] : Promise.reject(e)),
    );
    for (const k of keys) {
      if (k.endsWith("/")) await walk(`${rel}/${k.slice(0, -1)}`);
      else out[`${rel}/${k}`] = (await inspect(t, `${rel}/${k}`)) ?? "gone";
    }
  };
  await walk(folder);
  return out;
}

/** Deletes every entry this run wrote under `t` (KV v2: metadata, so every version goes). */
export async function cleanup(t: Target): Promise<void> {
  const c = root(t.namespace);
  const entries: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const keys: string[] = await c.list(t.version === 2 ? `${t.mount}/metadata/${rel}/` : `${t.mount}/${rel}/`).then(
      (r) => r.data.keys,
      (e) => (status(e) === 404 ? [] : Promise.reject(e)),
    );
    await Promise.all(
      keys.map((k) => (k.endsWith("/") ? walk(`${rel}/${k.slice(0, -1)}`) : entries.push(`${rel}/${k}`))),
    );
  };
  await walk(run);
  await mapLimit(entries, 16, (rel) => c.delete(t.version === 2 ? `${t.mount}/metadata/${rel}` : `${t.mount}/${rel}`));
}

/** A validated configuration document for the target (the form and the configuration file go through the same schema). */
export function document(t: Target, section: Record<string, unknown> = {}, readOnly = true): ConfigDocument {
  const input = {
    type: "vault",
    "read-only": readOnly,
    vault: {
      address: env.addr,
      "root-engine": t.mount,
      "engine-version": t.version,
      ...(t.namespace ? { namespace: t.namespace } : {}),
      // The root token, unless the section brings another auth method.
      ...(section.password || section["app-role"] ? {} : { token: { token: env.rootToken } }),
      ...section,
    },
  };
  const parsed = parseConfigDocument(input, { unknownKeys: "error" });
  if (!parsed.ok) throw new Error(`invalid test document: ${JSON.stringify(parsed.errors)}`);
  return parsed.document;
}

/** The adapter under test, with a list computed from its scan (tests/support/scan-list.ts). */
export function backend(doc: ConfigDocument, attachment: Attachment = TENANT, timeoutMs?: number): ListableBackend {
  return listable(createVaultBackend({ document: doc, attachment, timeoutMs }), attachment);
}

export async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const e = await p.then(
    () => null,
    (error: unknown) => error,
  );
  expect(e, "expected a BackendError").toMatchObject({ name: "BackendError" });
  return e as { code: string; message: string };
}

/** Fails the file if anything tried to reach a host other than loopback (SDKs like to probe metadata servers). */
export function guardLoopback(): void {
  let guard: LoopbackOnly | undefined;
  beforeAll(() => {
    guard = loopbackOnly();
  });
  afterAll(() => {
    guard?.restore();
    expect(guard?.refused).toEqual([]);
  });
}
