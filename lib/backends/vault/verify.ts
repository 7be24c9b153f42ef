import "server-only";
import { BackendError } from "../backend-error";
import type { VaultClient } from "./client";
import { vaultData, vaultMessage, vaultStatus } from "./errors";
import type { KvStore } from "./kv";
import type { KvLayout } from "./paths";

const objectOf = (v: unknown) =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** The mount's type and KV version as the UI endpoint reports them; null when the token may not see it. */
async function mountInfo(
  vault: VaultClient,
  engine: string,
  ms: number,
): Promise<{ type: string; version: number } | null> {
  try {
    const data = vaultData(
      await vault.read(`sys/internal/ui/mounts/${engine.split("/").map(encodeURIComponent).join("/")}`, ms),
    );
    return { type: String(data.type ?? ""), version: Number(objectOf(data.options).version ?? 1) };
  } catch (error) {
    // Vault answers this preflight with 403 for a missing mount too (even to root): the LIST below says which.
    if (vaultStatus(error) === 403 || vaultStatus(error) === 404) return null;
    throw error;
  }
}

/**
 * One authentication (login, or token lookup-self), then the mount's type/version and a LIST of
 * the folder Keyhold reads. Returns what was checked, in words.
 */
export async function verifyVault(
  vault: VaultClient,
  store: KvStore,
  layout: KvLayout,
  base: string,
  namespace: string | undefined,
  ms: number,
): Promise<string> {
  const where = namespace ? ` in namespace ${namespace}` : "";
  const policies = await vault.authenticate(ms, layout.engine);
  const as =
    policies === null ? "a token that may not look itself up" : policies.join(", ") || "a token without policies";
  const mount = await mountInfo(vault, layout.engine, ms);
  if (mount && mount.type !== "kv") {
    throw new BackendError(
      "invalid-config",
      `${layout.engine}/${where} is a '${mount.type}' engine, not a KV secrets engine.`,
    );
  }
  if (mount && mount.version !== layout.version) {
    throw new BackendError(
      "invalid-config",
      `${layout.engine}/${where} is KV version ${mount.version}, but engine-version is ${layout.version}.`,
    );
  }
  const folder = base ? `${layout.engine}/${base}/` : `${layout.engine}/`;
  try {
    await store.list(base, ms);
  } catch (error) {
    const status = vaultStatus(error);
    if (status === 404)
      throw new BackendError("not-found", `Secret engine ${layout.engine}/${where} not found: ${vaultMessage(error)}`);
    if (status === 403) {
      throw new BackendError(
        "forbidden",
        `The token (${policies === null ? "policies unknown" : `policies: ${policies.join(", ") || "none"}`}) may not list ${folder}${where}: ${vaultMessage(error)}. Vault answers the same for an engine that does not exist.`,
      );
    }
    throw error;
  }
  return `mount ${layout.engine}/ (kv v${mount?.version ?? layout.version})${base ? `, folder ${folder}` : ""}${where} reachable as ${as}`;
}
