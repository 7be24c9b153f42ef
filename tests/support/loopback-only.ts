// Test kit, the one loopback guard: refuses, inside this test process, every connection and name lookup that would leave
// the machine, and records the attempts, so a test can prove it sent packets to loopback only (SDKs like to probe
// metadata servers and token endpoints). Framework-free: Vitest tests and kits use it, Playwright may too.
import dns from "node:dns";
import net from "node:net";

const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|\[::1\]|::ffff:127(\.\d{1,3}){3}|localhost)$/i;

export interface LoopbackOnly {
  /** Hosts something tried to reach (or resolve) that are not loopback; the attempts were refused. */
  refused: string[];
  restore(): void;
}

function hostOf(args: unknown[]): string | null {
  const [first, second] = args as [unknown, unknown];
  if (Array.isArray(first)) return hostOf(first);
  if (first && typeof first === "object") {
    const o = first as { host?: string; hostname?: string; path?: string };
    if (o.path && !o.host && !o.hostname) return null; // a Unix socket
    return o.host ?? o.hostname ?? "localhost";
  }
  if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first)))
    return typeof second === "string" ? second : "localhost";
  return null; // connect(path): a Unix socket
}

export function loopbackOnly(): LoopbackOnly {
  const refused: string[] = [];
  const connect = net.Socket.prototype.connect;
  const lookup = dns.lookup;
  const lookupPromise = dns.promises.lookup;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const host = hostOf(args);
    if (host !== null && !LOOPBACK.test(host)) {
      refused.push(host);
      throw new Error(`test: a connection to ${host} was refused (loopback only)`);
    }
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof connect;
  dns.lookup = function (hostname: string, ...rest: unknown[]) {
    if (!LOOPBACK.test(hostname)) {
      refused.push(hostname);
      const callback = rest[rest.length - 1] as (error: Error) => void;
      process.nextTick(() =>
        callback(Object.assign(new Error(`test: lookup of ${hostname} refused`), { code: "ENOTFOUND" })),
      );
      return;
    }
    return (lookup as (...a: unknown[]) => unknown).call(dns, hostname, ...rest);
  } as typeof lookup;
  dns.promises.lookup = (async (hostname: string, ...rest: unknown[]) => {
    if (!LOOPBACK.test(hostname)) {
      refused.push(hostname);
      throw Object.assign(new Error(`test: lookup of ${hostname} refused`), { code: "ENOTFOUND" });
    }
    return (lookupPromise as (...a: unknown[]) => unknown).call(dns.promises, hostname, ...rest);
  }) as typeof lookupPromise;
  return {
    refused,
    restore: () => {
      net.Socket.prototype.connect = connect;
      dns.lookup = lookup;
      dns.promises.lookup = lookupPromise;
    },
  };
}
