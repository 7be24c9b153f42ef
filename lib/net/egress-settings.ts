import "server-only";
import { globalConfig } from "../config/global";
import { createEgressPolicy, EgressConfigError, parseEgressEntry, type EgressPolicy } from "./egress";
import { serverEnv, type Env } from "../env";

/** Entries of KEYHOLD_EGRESS_ALLOW / KEYHOLD_EGRESS_DENY: separated by commas or white space. */
export function egressEntriesOf(value: string | undefined): string[] {
  return (value ?? "").split(/[\s,]+/).filter(Boolean);
}

/** Validates the environment's entries, naming the variable and the entry. */
export function egressFromEnv(env: Pick<Env, "KEYHOLD_EGRESS_ALLOW" | "KEYHOLD_EGRESS_DENY"> = serverEnv()): {
  allow: string[];
  deny: string[];
} {
  const lists = { allow: egressEntriesOf(env.KEYHOLD_EGRESS_ALLOW), deny: egressEntriesOf(env.KEYHOLD_EGRESS_DENY) };
  for (const [name, verdict, entries] of [
    ["KEYHOLD_EGRESS_ALLOW", "allow", lists.allow],
    ["KEYHOLD_EGRESS_DENY", "deny", lists.deny],
  ] as const) {
    for (const entry of entries) {
      try {
        parseEgressEntry(entry, verdict);
      } catch (error) {
        throw new EgressConfigError(`${name}: ${(error as Error).message}`);
      }
    }
  }
  return lists;
}

const holder = globalThis as unknown as { __keyholdEgress?: { key: string; policy: EgressPolicy } };

/**
 * The instance's egress policy: the configuration file's `keyhold.egress` lists and the environment's,
 * together. Validated at start-up (lib/startup.ts); rebuilt only when the environment changes.
 */
export function instanceEgressPolicy(): EgressPolicy {
  const file = globalConfig().egress;
  const env = egressFromEnv();
  const lists = { allow: [...(file?.allow ?? []), ...env.allow], deny: [...(file?.deny ?? []), ...env.deny] };
  const key = JSON.stringify(lists);
  if (holder.__keyholdEgress?.key !== key) holder.__keyholdEgress = { key, policy: createEgressPolicy(lists) };
  return holder.__keyholdEgress.policy;
}
