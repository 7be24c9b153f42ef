import "server-only";
import type nodeVault from "node-vault";
import { BackendError } from "../backend-error";
import { vaultMessage, vaultStatus } from "./errors";

type NodeVaultClient = ReturnType<typeof nodeVault>;

/** A token Keyhold obtained by logging in, with what it needs to know to keep it alive. */
export interface HeldToken {
  token: string;
  policies: string[];
  /** Seconds the token lives from `obtainedAt`; 0 when it does not expire. */
  lease: number;
  renewable: boolean;
  /** Date.now() when the lease started (login or last renewal). */
  obtainedAt: number;
  /** Vault gave less than asked at the last renewal: the max TTL is near, the next step is a new login. */
  capped: boolean;
}

export type NextStep = "use" | "renew" | "login";

/**
 * What to do with a held token before a request: use it in the first half of its lease, renew it (or log in again
 * when it cannot be renewed or its max TTL is near) in the second half, log in again in its last second.
 */
export function nextStep(held: HeldToken, now: number): NextStep {
  if (held.lease <= 0) return "use";
  const leaseMs = held.lease * 1000;
  const left = held.obtainedAt + leaseMs - now;
  if (left <= Math.min(1000, leaseMs / 5)) return "login";
  if (left > leaseMs / 2) return "use";
  return held.renewable && !held.capped ? "renew" : "login";
}

/** POST auth/token/renew-self for the held token's lease again; the answer says how long Vault granted. */
export async function renewSelf(vault: NodeVaultClient, held: HeldToken, ms: number): Promise<HeldToken> {
  vault.token = held.token;
  const answer = (await vault.tokenRenewSelf({ increment: `${held.lease}s`, requestOptions: { timeout: ms } })) as {
    auth?: { lease_duration?: number; renewable?: boolean };
  };
  const granted = answer?.auth?.lease_duration ?? 0;
  if (granted <= 0) throw new BackendError("unauthenticated", "Vault renewed the token without a lease.");
  return {
    ...held,
    obtainedAt: Date.now(),
    lease: granted,
    renewable: answer.auth?.renewable ?? held.renewable,
    capped: granted < held.lease,
  };
}

/**
 * A directly configured token was refused with 403: tell a token Vault no longer knows (expired or revoked) from one
 * that lacks a policy. lookup-self is in the default policy; without it, the mount preflight tells a known token
 * ("preflight capability check returned 403", or an answer) from an unknown one (a plain "permission denied").
 */
export async function explainTokenRefusal(
  vault: NodeVaultClient,
  engine: string,
  ms: number,
  refusal: unknown,
): Promise<unknown> {
  if (vaultStatus(refusal) !== 403) return refusal;
  const known = await vault.tokenLookupSelf({ requestOptions: { timeout: ms } }).then(
    () => true,
    (e: unknown) =>
      vaultStatus(e) === 403
        ? vault
            .read(`sys/internal/ui/mounts/${engine.split("/").map(encodeURIComponent).join("/")}`, { timeout: ms })
            .then(
              () => true,
              (p: unknown) => vaultStatus(p) === 403 && /preflight/i.test(vaultMessage(p)),
            )
        : true, // the lookup failed for another reason: keep the original answer
  );
  if (known) return refusal;
  return new BackendError(
    "unauthenticated",
    `The configured token was refused: the token expired or was revoked (${vaultMessage(refusal)}). Enter a new token in the configuration.`,
  );
}
