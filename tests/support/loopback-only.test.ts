import dns from "node:dns";
import net from "node:net";
import { afterEach, expect, it, vi } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loopbackOnly } from "./loopback-only";

const { LOOPBACK } = createRequire(import.meta.url)("./loopback-guard.cjs") as { LOOPBACK: RegExp };

const real = net.Socket.prototype.connect;
afterEach(() => void (net.Socket.prototype.connect = real));

// The guard is checked with a recording stand-in for connect, so a hole in it sends nothing anywhere.
it("the loopback guard refuses every shape of non-loopback connection and lookup, and lets loopback through", async () => {
  const reached = vi.fn(function (this: net.Socket) {
    return this;
  });
  net.Socket.prototype.connect = reached as unknown as typeof real;
  const guard = loopbackOnly();
  try {
    const attempt = (...args: unknown[]) =>
      (net.Socket.prototype.connect as (...a: unknown[]) => unknown).apply(new net.Socket(), args);
    expect(() => attempt({ hostname: "169.254.169.254", port: 80 })).toThrow(/loopback only/);
    expect(() => attempt({ host: "oauth2.googleapis.com", port: 443 })).toThrow(/loopback only/);
    expect(() => attempt(80, "metadata.google.internal.")).toThrow(/loopback only/);
    expect(() => attempt([{ host: "10.0.0.1", port: 443 }, null])).toThrow(/loopback only/);
    const lookup = await new Promise<Error | null>((resolve) =>
      dns.lookup("metadata.google.internal.", (error) => resolve(error)),
    );
    expect(lookup).toMatchObject({ code: "ENOTFOUND" });
    await expect(dns.promises.lookup("oauth2.googleapis.com")).rejects.toMatchObject({ code: "ENOTFOUND" });
    expect(reached).not.toHaveBeenCalled();
    attempt({ host: "127.0.0.1", port: 1 });
    attempt({ hostname: "::1", port: 1 });
    attempt(1, "localhost");
    attempt({ path: "/tmp/socket" });
    expect(reached).toHaveBeenCalledTimes(4);
    expect(guard.refused).toEqual([
      "169.254.169.254",
      "oauth2.googleapis.com",
      "metadata.google.internal.",
      "10.0.0.1",
      "metadata.google.internal.",
      "oauth2.googleapis.com",
    ]);
  } finally {
    guard.restore();
  }
});

// Keyhold's egress policy connects to a name through its own lookup, which answers the address it checked: the guard
// lets the connection go only when that answer is loopback (a recording stand-in again, so nothing is sent).
it("a name connected through the caller's own lookup passes only when that lookup answers loopback", async () => {
  const seen: unknown[][] = [];
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    seen.push(args);
    return this;
  } as unknown as typeof real;
  const guard = loopbackOnly();
  try {
    type Callback = (error: Error | null, address: string, family?: number) => void;
    const answering = (address: string) => (_host: string, _options: unknown, callback: Callback) =>
      callback(null, address, 4);
    for (const address of ["127.0.0.1", "10.0.0.1"])
      (net.Socket.prototype.connect as (...a: unknown[]) => unknown).call(new net.Socket(), {
        host: "vault.egress.test",
        port: 1,
        lookup: answering(address),
      });
    const answers = await Promise.all(
      seen.map(
        ([options]) =>
          new Promise((resolve) =>
            (options as { lookup: (h: string, o: unknown, c: Callback) => void }).lookup(
              "vault.egress.test",
              {},
              (error, address) => resolve(error ? error.message : address),
            ),
          ),
      ),
    );
    expect(answers).toEqual([
      "127.0.0.1",
      "test: a connection to vault.egress.test at 10.0.0.1 was refused (loopback only)",
    ]);
    expect(guard.refused).toEqual(["vault.egress.test (10.0.0.1)"]);
  } finally {
    guard.restore();
  }
});

// The setup file (tests/support/loopback-setup.ts) guards every test process, and the Node processes a test starts with
// its environment preload the same guard. The name looked up is one /etc/hosts maps to loopback but the guard does not
// know as loopback: were the guard missing, the lookup would be answered from the file, sending nothing anywhere.
const hostsName = (() => {
  try {
    for (const line of readFileSync("/etc/hosts", "utf8").split("\n")) {
      const [address, ...names] = line.replace(/#.*/, "").trim().split(/\s+/);
      const name = names.find((n) => n && !LOOPBACK.test(n));
      if (address?.startsWith("127.") && name) return name;
    }
  } catch {}
  return null;
})();

it.skipIf(!hostsName)(
  "every test process, and every Node process it starts, refuses lookups outside loopback",
  async () => {
    await expect(dns.promises.lookup(hostsName!)).rejects.toThrow(`test: lookup of ${hostsName} refused`);
    const child = execFileSync(
      process.execPath,
      [
        "-e",
        `require('node:dns').promises.lookup(${JSON.stringify(hostsName)}).then(() => console.log('resolved'), (e) => console.log(e.message))`,
      ],
      { env: process.env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    expect(child.trim()).toBe(`test: lookup of ${hostsName} refused`);
  },
);
