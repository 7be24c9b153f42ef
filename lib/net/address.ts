import "server-only";

/**
 * Classifies a host as a URL or a socket would receive it: an IPv4 address in any form inet_aton accepts
 * (`127.1`, `2130706433`, `0x7f.1`, `0177.0.0.1`), an IPv6 address (bracketed or not, with a zone), or a
 * host name (case and one trailing dot ignored). Pure: no lookup, no socket.
 */

export type AddressCategory = "loopback" | "link-local" | "unspecified" | "metadata" | "private" | "public";

export interface IpAddress {
  kind: "ip";
  family: 4 | 6;
  /** The canonical text (`127.0.0.1`, `::ffff:7f00:1`): what Keyhold connects to, never the text it was given. */
  address: string;
  /** The address as a number: 32 bits for IPv4, 128 for IPv6. */
  value: bigint;
  /** The IPv4 address an IPv6 one carries (mapped `::ffff:0:0/96`, compatible `::/96`, NAT64 `64:ff9b::/96`); it decides. */
  embedded: IpAddress | null;
  category: AddressCategory;
}

export interface HostName {
  kind: "name";
  /** Lower case, without the trailing dot. */
  name: string;
  /** `localhost` and `*.localhost` (RFC 6761): loopback by name, whatever a resolver says. */
  category: "loopback" | "name";
}

export interface InvalidHost {
  kind: "invalid";
  reason: string;
}

export type ClassifiedHost = IpAddress | HostName | InvalidHost;

const invalid = (reason: string): InvalidHost => ({ kind: "invalid", reason });

/** One part of an IPv4 address as inet_aton and the WHATWG URL parser read it: 0x… hex, 0… octal, else decimal. */
function ipv4Part(part: string): bigint | null {
  if (/^0x[0-9a-f]*$/i.test(part)) return BigInt(part.length === 2 ? 0 : `0x${part.slice(2)}`);
  if (/^0[0-7]+$/.test(part)) return BigInt(`0o${part.slice(1)}`);
  if (/^(0|[1-9][0-9]*)$/.test(part)) return BigInt(part);
  return null;
}

/** True when the last label looks numeric: then the host must be an IPv4 address (as in the URL standard). */
function endsInNumber(host: string): boolean {
  const parts = host.split(".");
  if (parts[parts.length - 1] === "" && parts.length > 1) parts.pop();
  const last = parts[parts.length - 1];
  return /^[0-9]+$/.test(last) || /^0x[0-9a-f]*$/i.test(last);
}

function parseIpv4(host: string): bigint | null | "invalid" {
  if (!endsInNumber(host)) return null;
  const parts = host.split(".");
  if (parts[parts.length - 1] === "" && parts.length > 1) parts.pop();
  if (parts.length > 4 || parts.some((p) => p === "")) return "invalid";
  const numbers = parts.map(ipv4Part);
  if (numbers.some((n) => n === null)) return "invalid";
  const values = numbers as bigint[];
  const last = values.pop()!;
  if (values.some((v) => v > 255n)) return "invalid";
  if (last >= 256n ** BigInt(5 - parts.length)) return "invalid";
  let out = last;
  values.forEach((v, i) => (out += v << BigInt(8 * (3 - i))));
  return out;
}

function parseIpv6(text: string): bigint | null {
  const s = text.toLowerCase();
  if (!/^[0-9a-f:.]+$/.test(s) || !s.includes(":")) return null;
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (half: string): number[] | null => {
    if (half === "") return [];
    const out: number[] = [];
    const pieces = half.split(":");
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i];
      if (i === pieces.length - 1 && p.includes(".")) {
        // A dotted IPv4 tail: four decimal parts only, as RFC 4291 writes it.
        if (!/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(p)) return null;
        const [a, b, c, d] = p.split(".").map(Number);
        out.push((a << 8) | b, (c << 8) | d);
      } else {
        if (!/^[0-9a-f]{1,4}$/.test(p)) return null;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (!head || !tail) return null;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return null;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

export function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join(".");
}

/** RFC 5952 text: lower case, the longest run of two or more zero groups as `::`. */
export function formatIpv6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(16 * (7 - i))) & 0xffffn));
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(":");
  return `${hex.slice(0, best.start).join(":")}::${hex.slice(best.start + best.length).join(":")}`;
}

interface Range {
  family: 4 | 6;
  base: bigint;
  prefix: number;
}

export function inRange(value: bigint, family: 4 | 6, range: Range): boolean {
  if (family !== range.family) return false;
  const width = family === 4 ? 32 : 128;
  const shift = BigInt(width - range.prefix);
  return value >> shift === range.base >> shift;
}

const v4 = (text: string, prefix: number): Range => ({ family: 4, base: parseIpv4(text) as bigint, prefix });
const v6 = (text: string, prefix: number): Range => ({ family: 6, base: parseIpv6(text)!, prefix });

/** Most specific first: a metadata address is link-local too, and is reported as metadata. */
const CATEGORIES: [AddressCategory, Range[]][] = [
  // AWS (IPv4 and IPv6), Azure, Google and others at 169.254.169.254; Alibaba Cloud; Azure's WireServer.
  [
    "metadata",
    [v4("169.254.169.254", 32), v6("fd00:ec2::254", 128), v4("100.100.100.200", 32), v4("168.63.129.16", 32)],
  ],
  ["unspecified", [v4("0.0.0.0", 8), v6("::", 128)]],
  ["loopback", [v4("127.0.0.0", 8), v6("::1", 128)]],
  ["link-local", [v4("169.254.0.0", 16), v6("fe80::", 10)]],
  ["private", [v4("10.0.0.0", 8), v4("172.16.0.0", 12), v4("192.168.0.0", 16), v4("100.64.0.0", 10), v6("fc00::", 7)]],
];

function categoryOf(value: bigint, family: 4 | 6): AddressCategory {
  for (const [category, ranges] of CATEGORIES) if (ranges.some((r) => inRange(value, family, r))) return category;
  return "public";
}

const EMBEDDING: Range[] = [v6("::ffff:0:0", 96), v6("64:ff9b::", 96), v6("::", 96)];

function ipv4Of(value: bigint): IpAddress {
  return { kind: "ip", family: 4, address: formatIpv4(value), value, embedded: null, category: categoryOf(value, 4) };
}

function ipv6Of(value: bigint): IpAddress {
  // `::` and `::1` sit in ::/96 but are IPv6's own unspecified and loopback addresses.
  const carries = value > 1n && EMBEDDING.some((r) => inRange(value, 6, r));
  const embedded = carries ? ipv4Of(value & 0xffffffffn) : null;
  return {
    kind: "ip",
    family: 6,
    address: formatIpv6(value),
    value,
    embedded,
    category: embedded?.category ?? categoryOf(value, 6),
  };
}

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** Classifies one host as given to a URL, a socket or a configuration entry. */
export function classifyHost(input: string): ClassifiedHost {
  let host = String(input ?? "").trim();
  if (host === "") return invalid("empty host");
  if (host.startsWith("[") || host.endsWith("]")) {
    if (!(host.startsWith("[") && host.endsWith("]"))) return invalid("unbalanced brackets");
    host = host.slice(1, -1);
    if (!host.includes(":")) return invalid("brackets hold only IPv6 addresses");
  }
  if (host.includes(":")) {
    const zone = host.indexOf("%");
    const value = parseIpv6(zone >= 0 ? host.slice(0, zone) : host);
    return value === null ? invalid("not an IPv6 address") : ipv6Of(value);
  }
  const lower = host.toLowerCase();
  const ipv4 = parseIpv4(lower);
  if (ipv4 === "invalid") return invalid("not an IPv4 address (its last part is a number)");
  if (ipv4 !== null) return ipv4Of(ipv4);
  const name = lower.endsWith(".") ? lower.slice(0, -1) : lower;
  if (name.length === 0 || name.length > 253 || !name.split(".").every((l) => LABEL.test(l)))
    return invalid("not a host name");
  return { kind: "name", name, category: name === "localhost" || name.endsWith(".localhost") ? "loopback" : "name" };
}

/** Parses an address literal only (no names): for configuration entries and resolver answers. */
export function parseAddress(text: string): IpAddress | null {
  const c = classifyHost(text);
  return c.kind === "ip" ? c : null;
}
