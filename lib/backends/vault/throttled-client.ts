import "server-only";
import { retryThrottled } from "../retry";
import type { VaultClient } from "./client";
import { vaultErrorCode } from "./errors";

const isThrottled = (error: unknown) => vaultErrorCode(error) === "throttled";

/**
 * The client with Vault's rate limit quotas (HTTP 429) ridden out request by request, each inside its own `ms`:
 * a throttled LIST of a scan is asked again where it failed, so the walk resumes rather than restarts.
 */
export function throttledClient(vault: VaultClient): VaultClient {
  // Spread first: any other member of the client passes through unchanged.
  return {
    ...vault,
    read: (path, ms) => retryThrottled(() => vault.read(path, ms), { budgetMs: ms, isThrottled }),
    list: (path, ms) => retryThrottled(() => vault.list(path, ms), { budgetMs: ms, isThrottled }),
    write: (path, data, ms) => retryThrottled(() => vault.write(path, data, ms), { budgetMs: ms, isThrottled }),
    remove: (path, ms) => retryThrottled(() => vault.remove(path, ms), { budgetMs: ms, isThrottled }),
    authenticate: (ms, engine) => retryThrottled(() => vault.authenticate(ms, engine), { budgetMs: ms, isThrottled }),
  };
}
