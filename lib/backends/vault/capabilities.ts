import "server-only";
import { BackendError } from "../backend-error";
import {
  finishReport,
  formatDuration,
  TOKEN_WARNING_SECONDS,
  type CapabilityReport,
  type CapabilityRow,
} from "../capabilities";
import { probe } from "../probe";
import type { VaultClient } from "./client";
import { vaultStatus } from "./errors";
import type { KvStore } from "./kv";
import { joinPath, type KvLayout } from "./paths";

const objectOf = (v: unknown) =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
/** An entry that does not exist: capabilities-self answers for a path, not an entry, so write is asked here. */
const PROBE_ENTRY = "keyhold-capability-probe";
const MAX_LISTS = 20;

export interface VaultProbeOptions {
  readOnly: boolean;
  /** Where the scan starts (relative to the mount). */
  base: string;
  ms: number;
  /** Wraps a call with the adapter's timeout and error scrubbing. */
  call: <T>(what: string, fn: () => Promise<T>) => Promise<T>;
}

/** The token's own view: policies, TTL, renewable (lookup-self); null when the token may not look itself up. */
async function lookupSelf(vault: VaultClient, ms: number) {
  try {
    const data = objectOf((await vault.read("auth/token/lookup-self", ms)).data);
    const policies = Array.isArray(data.policies) ? data.policies.map(String) : [];
    return { ttl: Number(data.ttl ?? 0), renewable: data.renewable === true, policies };
  } catch (error) {
    if (vaultStatus(error) === 403) return null;
    throw error;
  }
}

/** One entry below `base` (a few LISTs at most), relative to the mount; null when there is none to try. */
async function oneEntry(store: KvStore, base: string, ms: number): Promise<string | null> {
  const folders = [base];
  for (let lists = 0; folders.length && lists < MAX_LISTS; lists++) {
    const folder = folders.shift()!;
    const { entries, folders: below } = await store.list(folder, ms);
    if (entries.length) return joinPath(folder, entries[0]);
    folders.push(...below.map((f) => joinPath(folder, f)));
  }
  return null;
}

/** The least-privilege policy of a read-only configuration: list and read below its folder, nothing else. */
export function vaultReadOnlyPolicy(layout: KvLayout, base: string): string {
  const below = (part: string) => `${joinPath(layout.engine, part, base)}${base ? "/" : ""}*`;
  const lines =
    layout.version === 2
      ? [
          `path "${below("metadata")}" { capabilities = ["list", "read"] }`,
          `path "${below("subkeys")}" { capabilities = ["read"] }`,
          `path "${below("data")}" { capabilities = ["read"] }`,
        ]
      : [`path "${joinPath(layout.engine, base)}${base ? "/" : ""}*" { capabilities = ["list", "read"] }`];
  return `# Keyhold, read-only: list and read below ${joinPath(layout.engine, base)}/\n${lines.join("\n")}`;
}

/**
 * Verify's capability table for Vault, after the LIST succeeded: the token's TTL and policies (lookup-self), what
 * sys/capabilities-self grants on the paths Keyhold uses, one real read of a value (dropped here, never returned).
 */
export async function vaultCapabilities(
  vault: VaultClient,
  store: KvStore,
  layout: KvLayout,
  o: VaultProbeOptions,
): Promise<CapabilityReport> {
  const v2 = layout.version === 2;
  const warnings: string[] = [];
  const self = await o.call("lookup-self", () => lookupSelf(vault, o.ms)).catch(() => null);
  let auth = "the token was accepted (it may not look itself up)";
  if (self) {
    const ttl =
      self.ttl > 0
        ? `TTL ${formatDuration(self.ttl)}${self.renewable ? ", renewable" : ", not renewable"}`
        : "no expiry";
    auth = `policies: ${self.policies.join(", ") || "none"}; ${ttl}`;
    if (self.ttl > 0 && self.ttl < TOKEN_WARNING_SECONDS)
      warnings.push(
        `The token expires in ${formatDuration(self.ttl)}${self.renewable ? " (renewable)" : " and cannot be renewed"}: after that every list and read fails. Use a longer-lived token or a login method.`,
      );
  }
  const rows: CapabilityRow[] = [
    { operation: "authenticate", outcome: "yes", detail: auth },
    { operation: "list", outcome: "yes", detail: `listed ${joinPath(layout.engine, v2 ? "metadata" : "", o.base)}/` },
  ];

  const found = await o.call("list", () => oneEntry(store, o.base, o.ms)).catch(() => null);
  const entry = found ?? joinPath(o.base, PROBE_ENTRY);
  const paths = {
    describe: v2 ? joinPath(layout.engine, "metadata", entry) : joinPath(layout.engine, entry),
    read: v2 ? joinPath(layout.engine, "data", entry) : joinPath(layout.engine, entry),
  };
  const granted = await o
    .call("capabilities", async () =>
      objectOf(await vault.post("sys/capabilities-self", { paths: Object.values(paths) }, o.ms)),
    )
    .then((data) => {
      const body = objectOf(data.data ?? data);
      const of = (path: string) => (Array.isArray(body[path]) ? (body[path] as unknown[]).map(String) : null);
      return { describe: of(paths.describe), read: of(paths.read) };
    })
    .catch(() => null);
  const can = (caps: string[] | null | undefined, ...wanted: string[]) =>
    caps ? caps.includes("root") || wanted.some((w) => caps.includes(w)) : null;
  const outcomeOf = (yes: boolean | null) => (yes === null ? "unknown" : yes ? "yes" : "no");

  const describe = can(granted?.describe, "read");
  rows.push({
    operation: "describe",
    outcome: outcomeOf(describe),
    detail:
      describe === null
        ? "capabilities-self was not answered"
        : `capabilities on ${paths.describe}: ${granted!.describe!.join(", ")}`,
  });
  if (found) {
    rows.push(
      await probe("read", async () => {
        const value = await o.call("read", () => store.read(found, o.ms));
        if (!value) throw new BackendError("not-found", `${found} has no readable version`);
        return `read the value of '${found}' (not shown)`;
      }),
    );
  } else {
    const read = can(granted?.read, "read");
    rows.push({
      operation: "read",
      outcome: outcomeOf(read),
      detail: `no entry to read; ${read === null ? "capabilities-self was not answered" : `capabilities on ${paths.read}: ${granted!.read!.join(", ")}`}`,
    });
  }
  const write = can(granted?.read, "create", "update");
  rows.push({
    operation: "write",
    outcome: outcomeOf(write),
    detail:
      write === null
        ? "capabilities-self was not answered"
        : `capabilities on ${paths.read}: ${granted!.read!.join(", ") || "none"}`,
  });
  return finishReport(rows, { readOnly: o.readOnly, readOnlyPolicy: vaultReadOnlyPolicy(layout, o.base), warnings });
}
