import "server-only";
import { createHash } from "node:crypto";
import dns from "node:dns";
import { classifyHost, inRange, parseAddress, type AddressCategory, type IpAddress } from "./address";

/**
 * The egress policy for addresses that tenants define (dedicated managers and unsaved forms). Rules:
 * - A host-name entry (`vault.corp.example`, `*.corp.example`, optionally `:port`) decides for that name
 *   as written, before any lookup: deny refuses it, allow accepts whatever it resolves to.
 * - Otherwise every address the name resolves to (or the literal) must pass; the connection then goes to
 *   those addresses only. Address entries are CIDRs or addresses, optionally with `:port`.
 * - Among the entries that match, the most specific wins (longer prefix or exact name, then a port);
 *   on a tie deny wins. Entries override the defaults; without a matching entry the defaults refuse
 *   loopback, link-local, unspecified and cloud metadata addresses and allow the rest.
 */

export const EGRESS_SENTENCE = "This address is not allowed by the instance's egress policy";
export const EGRESS_REFUSED_CODE = "ERR_KEYHOLD_EGRESS_REFUSED";

export const DEFAULT_DENIED: readonly AddressCategory[] = ["loopback", "link-local", "unspecified", "metadata"];

interface RuleBase {
  /** The entry as written, for messages. */
  text: string;
  verdict: "allow" | "deny";
  port: number | null;
}

export type EgressRule =
  | (RuleBase & { kind: "cidr"; family: 4 | 6; base: bigint; prefix: number })
  | (RuleBase & { kind: "name"; name: string; wildcard: boolean });

export class EgressConfigError extends Error {}

export type Resolver = (name: string) => Promise<{ address: string; family: number }[]>;

export interface EgressPolicy {
  rules: readonly EgressRule[];
  /** A digest of the rules: clients and agents built under one policy are cached under it. */
  id: string;
  resolve: Resolver;
}

/** The socket-level refusal; adapters turn it into the `forbidden` backend error with the same message. */
export class EgressRefusedError extends Error {
  readonly code = EGRESS_REFUSED_CODE;
  constructor(readonly target: string) {
    super(`${EGRESS_SENTENCE} (${target}).`);
    this.name = "EgressRefusedError";
  }
}

const PORT = /^([1-9][0-9]{0,4})$/;

function portOf(text: string, entry: string): number {
  const port = PORT.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535))
    throw new EgressConfigError(`'${entry}': the port must be a number from 1 to 65535`);
  return port;
}

/** Parses one allow or deny entry; throws EgressConfigError naming it. */
export function parseEgressEntry(raw: string, verdict: "allow" | "deny"): EgressRule {
  const entry = raw.trim();
  const text = entry.toLowerCase();
  if (!text) throw new EgressConfigError("an entry is empty");
  let hostPart = text;
  let port: number | null = null;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    hostPart = bracketed[1];
    if (bracketed[2] !== undefined) port = portOf(bracketed[2], entry);
  } else if ((text.match(/:/g) ?? []).length === 1) {
    const at = text.lastIndexOf(":");
    hostPart = text.slice(0, at);
    port = portOf(text.slice(at + 1), entry);
  }
  const slash = hostPart.indexOf("/");
  if (slash >= 0 || parseAddress(hostPart)) {
    const addressText = slash >= 0 ? hostPart.slice(0, slash) : hostPart;
    const address = parseAddress(addressText);
    if (!address) throw new EgressConfigError(`'${entry}' is not an address or CIDR`);
    const width = address.family === 4 ? 32 : 128;
    const prefixText = slash >= 0 ? hostPart.slice(slash + 1) : String(width);
    const prefix = /^[0-9]{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    if (!(prefix >= 0 && prefix <= width))
      throw new EgressConfigError(`'${entry}': the prefix length must be 0 to ${width}`);
    const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix);
    if ((address.value & ~mask & ((1n << BigInt(width)) - 1n)) !== 0n) {
      throw new EgressConfigError(`'${entry}' has bits set after the prefix; write the network address`);
    }
    // An IPv4-mapped entry means the IPv4 addresses it carries: those are what addresses are judged as.
    if (address.embedded && address.value >> 32n === 0xffffn && prefix >= 96) {
      return { kind: "cidr", text: entry, verdict, port, family: 4, base: address.embedded.value, prefix: prefix - 96 };
    }
    return { kind: "cidr", text: entry, verdict, port, family: address.family, base: address.value, prefix };
  }
  const wildcard = hostPart.startsWith("*.");
  const host = classifyHost(wildcard ? hostPart.slice(2) : hostPart);
  if (host.kind !== "name") throw new EgressConfigError(`'${entry}' is not an address, CIDR or host name`);
  return { kind: "name", text: entry, verdict, port, name: host.name, wildcard };
}

const systemResolver: Resolver = (name) => dns.promises.lookup(name, { all: true, verbatim: true });

/** Builds a policy from allow and deny entries; throws EgressConfigError on the first bad one, naming it. */
export function createEgressPolicy(
  lists: { allow?: readonly string[]; deny?: readonly string[] } = {},
  resolve: Resolver = systemResolver,
): EgressPolicy {
  const rules = [
    ...(lists.allow ?? []).filter((e) => e.trim()).map((e) => parseEgressEntry(e, "allow")),
    ...(lists.deny ?? []).filter((e) => e.trim()).map((e) => parseEgressEntry(e, "deny")),
  ];
  const id = createHash("sha256")
    .update(
      JSON.stringify(
        rules.map((r) => [
          r.verdict,
          r.kind === "cidr" ? `${r.family}/${r.base}/${r.prefix}` : `${r.wildcard ? "*." : ""}${r.name}`,
          r.port,
        ]),
      ),
    )
    .digest("hex")
    .slice(0, 16);
  return { rules, id, resolve };
}

/** Picks the most specific rule: higher score wins, deny on a tie. */
function decide<T extends EgressRule>(matches: T[], score: (r: T) => number): T | null {
  let best: T | null = null;
  for (const r of matches) {
    if (!best) best = r;
    else {
      const a = score(r) + (r.port !== null ? 0.5 : 0);
      const b = score(best) + (best.port !== null ? 0.5 : 0);
      if (a > b || (a === b && r.verdict === "deny")) best = r;
    }
  }
  return best;
}

/** The verdict of the name entries for a host name, or null when none matches. */
export function nameVerdict(policy: EgressPolicy, name: string, port: number): "allow" | "deny" | null {
  const matches = policy.rules.filter(
    (r): r is Extract<EgressRule, { kind: "name" }> =>
      r.kind === "name" &&
      (r.port === null || r.port === port) &&
      (r.wildcard ? name.endsWith(`.${r.name}`) : name === r.name),
  );
  // An exact name outranks every wildcard; a longer wildcard suffix outranks a shorter one.
  return decide(matches, (r) => (r.wildcard ? r.name.length : 1000))?.verdict ?? null;
}

/** Whether one address may be connected to on a port (pure). */
export function addressAllowed(policy: EgressPolicy, address: IpAddress, port: number): boolean {
  const judged = address.embedded ?? address;
  const matches = policy.rules.filter(
    (r): r is Extract<EgressRule, { kind: "cidr" }> =>
      r.kind === "cidr" && (r.port === null || r.port === port) && inRange(judged.value, judged.family, r),
  );
  const best = decide(matches, (r) => r.prefix);
  if (best) return best.verdict === "allow";
  return !DEFAULT_DENIED.includes(judged.category);
}

const LOOPBACK_NAME_ADDRESSES = ["127.0.0.1", "::1"];

/** `host:port` as a message shows it, IPv6 in brackets. */
export function shownTarget(host: string, port: number): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`;
}

export interface PinnedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves a host once and checks every address; returns the addresses to connect to (never to be looked up
 * again) or throws EgressRefusedError. A name whose answer holds any refused address is refused as a whole:
 * a mixed answer is a misconfiguration or a rebinding attempt, and refusing it makes the outcome the same
 * whichever answer a resolver lists first.
 */
export async function resolveAllowed(policy: EgressPolicy, host: string, port: number): Promise<PinnedAddress[]> {
  const c = classifyHost(host);
  const refuse = () => new EgressRefusedError(shownTarget(host, port));
  if (c.kind === "invalid") throw refuse();
  if (c.kind === "ip") {
    if (!addressAllowed(policy, c, port)) throw refuse();
    return [{ address: c.address, family: c.family }];
  }
  const byName = nameVerdict(policy, c.name, port);
  if (byName === "deny") throw refuse();
  // `localhost` names are loopback (RFC 6761): they are never sent to a resolver.
  const answers =
    c.category === "loopback"
      ? LOOPBACK_NAME_ADDRESSES.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }))
      : await policy.resolve(c.name);
  const addresses = answers.map((a) => parseAddress(a.address));
  if (!addresses.length || addresses.some((a) => a === null))
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${c.name}`), { code: "ENOTFOUND" });
  const checked = addresses as IpAddress[];
  if (byName !== "allow" && checked.some((a) => !addressAllowed(policy, a, port))) throw refuse();
  return checked.map((a) => ({ address: a.address, family: a.family }));
}

/** Finds an egress refusal in an error as SDKs wrap it (cause, original error, aggregate errors, copied code). */
export function findEgressRefusal(error: unknown, depth = 0): { message: string } | null {
  if (!error || typeof error !== "object" || depth > 6) return null;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  if (error instanceof EgressRefusedError) return { message: error.message };
  if (e.code === EGRESS_REFUSED_CODE && typeof e.message === "string" && e.message.startsWith(EGRESS_SENTENCE))
    return { message: e.message };
  for (const inner of [e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])]) {
    const found = findEgressRefusal(inner, depth + 1);
    if (found) return found;
  }
  return null;
}
