import dns from "node:dns";
import net from "node:net";
import { afterEach, expect, it, vi } from "vitest";
import { loopbackGuard } from "./gcp";

const real = net.Socket.prototype.connect;
afterEach(() => void (net.Socket.prototype.connect = real));

// The guard is checked with a recording stand-in for connect, so a hole in it sends nothing anywhere.
it("the loopback guard refuses every shape of non-loopback connection and lookup, and lets loopback through", () => {
  const reached = vi.fn(function (this: net.Socket) {
    return this;
  });
  net.Socket.prototype.connect = reached as unknown as typeof real;
  const guard = loopbackGuard();
  try {
    const attempt = (...args: unknown[]) => (net.Socket.prototype.connect as (...a: unknown[]) => unknown).apply(new net.Socket(), args);
    expect(() => attempt({ hostname: "169.254.169.254", port: 80 })).toThrow(/loopback guard/);
    expect(() => attempt({ host: "oauth2.googleapis.com", port: 443 })).toThrow(/loopback guard/);
    expect(() => attempt(80, "metadata.google.internal.")).toThrow(/loopback guard/);
    expect(() => dns.lookup("metadata.google.internal.", () => undefined)).toThrow(/loopback guard/);
    expect(reached).not.toHaveBeenCalled();
    attempt({ host: "127.0.0.1", port: 1 });
    attempt({ path: "/tmp/socket" });
    expect(reached).toHaveBeenCalledTimes(2);
    expect(guard.attempts).toEqual(["connect 169.254.169.254:80", "connect oauth2.googleapis.com:443", "connect metadata.google.internal.:80", "lookup metadata.google.internal."]);
  } finally {
    guard.uninstall();
  }
});
