// Test kit, the one loopback guard (CommonJS so that any Node process can preload it: `node --require`, NODE_OPTIONS).
// Refuses, inside the process, every connection and name lookup that would leave the machine, and records the attempts,
// so tests can prove they sent packets to loopback only (SDKs like to probe metadata servers and token endpoints, and
// a name lookup alone sends a packet to the resolver).
//
// - `loopbackOnly()` installs it and returns { refused, restore } (tests/support/loopback-only.ts types it).
// - Preloaded with KEYHOLD_TEST_LOOPBACK_ONLY=1 (scripts/test/all.sh, vitest.config.ts's setup, playwright.config.ts),
//   it installs itself for the whole process and reports each refusal on stderr. npm's own process is left alone (the
//   test script's installs talk to the registry on purpose).
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: preloaded with `node --require` */
const dns = require("node:dns");
const net = require("node:net");

const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|\[::1\]|::ffff:127(\.\d{1,3}){3}|localhost)$/i;

function hostOf(args) {
  const [first, second] = args;
  if (Array.isArray(first)) return hostOf(first);
  if (first && typeof first === "object") {
    if (first.path && !first.host && !first.hostname) return null; // a Unix socket
    return first.host ?? first.hostname ?? "localhost";
  }
  if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first)))
    return typeof second === "string" ? second : "localhost";
  return null; // connect(path): a Unix socket
}

/** The options object of a connect() call, when it has one. */
function optionsOf(args) {
  const [first] = args;
  if (Array.isArray(first)) return optionsOf(first);
  return first && typeof first === "object" ? first : null;
}

/**
 * `onRefused(host)` hears of each refusal. `asRefusedConnection`: a refused connection fails as a real refused one does
 * (an ECONNREFUSED error on the socket, asynchronously) instead of throwing from connect(), so servers under test
 * handle it on their ordinary error path.
 */
function loopbackOnly(onRefused, asRefusedConnection = false) {
  const refused = [];
  const note = (host) => {
    refused.push(host);
    if (onRefused) onRefused(host);
  };
  const connect = net.Socket.prototype.connect;
  const lookup = dns.lookup;
  const lookupPromise = dns.promises.lookup;
  net.Socket.prototype.connect = function (...args) {
    const host = hostOf(args);
    const options = optionsOf(args);
    // A name connected to through the caller's own lookup (Keyhold's egress policy hands the address it checked): the
    // packet goes where that lookup answers, so the answer is what must be loopback.
    if (host !== null && !LOOPBACK.test(host) && options && typeof options.lookup === "function" && !net.isIP(host)) {
      const lookup = options.lookup;
      options.lookup = (hostname, lookupOptions, callback) =>
        lookup(hostname, lookupOptions, (error, address, family) => {
          if (error) return callback(error, address, family);
          const outside = (Array.isArray(address) ? address.map((a) => a.address) : [address]).find(
            (a) => !LOOPBACK.test(a),
          );
          if (outside === undefined) return callback(null, address, family);
          note(`${hostname} (${outside})`);
          callback(
            Object.assign(new Error(`test: a connection to ${hostname} at ${outside} was refused (loopback only)`), {
              code: "ECONNREFUSED",
            }),
          );
        });
      return connect.apply(this, args);
    }
    if (host !== null && !LOOPBACK.test(host)) {
      note(host);
      const error = Object.assign(new Error(`test: a connection to ${host} was refused (loopback only)`), {
        code: "ECONNREFUSED",
      });
      if (!asRefusedConnection) throw error;
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return connect.apply(this, args);
  };
  dns.lookup = function (hostname, ...rest) {
    if (!LOOPBACK.test(hostname)) {
      note(hostname);
      const callback = rest[rest.length - 1];
      process.nextTick(() =>
        callback(Object.assign(new Error(`test: lookup of ${hostname} refused`), { code: "ENOTFOUND" })),
      );
      return;
    }
    return lookup.call(dns, hostname, ...rest);
  };
  dns.promises.lookup = async (hostname, ...rest) => {
    if (!LOOPBACK.test(hostname)) {
      note(hostname);
      throw Object.assign(new Error(`test: lookup of ${hostname} refused`), { code: "ENOTFOUND" });
    }
    return lookupPromise.call(dns.promises, hostname, ...rest);
  };
  return {
    refused,
    restore: () => {
      net.Socket.prototype.connect = connect;
      dns.lookup = lookup;
      dns.promises.lookup = lookupPromise;
    },
  };
}

const INSTALLED = Symbol.for("keyhold.loopbackGuard");

/** Installs the guard for the whole process once (idempotent); refusals are reported on stderr. */
function installProcessGuard() {
  if (globalThis[INSTALLED]) return globalThis[INSTALLED];
  globalThis[INSTALLED] = loopbackOnly(
    (host) =>
      process.stderr.write(`loopback guard: refused a connection or lookup to ${host} (tests reach loopback only)\n`),
    true,
  );
  return globalThis[INSTALLED];
}

const isNpm = /(^|[\\/])(npm|npx)(-cli)?(\.js)?$/.test(process.argv[1] ?? "");
if (process.env.KEYHOLD_TEST_LOOPBACK_ONLY === "1" && !isNpm) installProcessGuard();

module.exports = { loopbackOnly, installProcessGuard, LOOPBACK };
