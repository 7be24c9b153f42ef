import "server-only";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { Duplex } from "node:stream";
import { classifyHost } from "./address";
import { addressAllowed, EgressRefusedError, resolveAllowed, shownTarget, type EgressPolicy } from "./egress";

type Callback = (err: Error | null, stream: Duplex) => void;
type ConnectOptions = http.ClientRequestArgs & { lookup?: LookupFunction };

/**
 * A lookup bound to one connection's port: resolves once, checks every address, and hands the checked
 * addresses to the socket, which connects to them without looking the name up again.
 */
function pinnedLookup(policy: EgressPolicy, port: number): LookupFunction {
  return ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    resolveAllowed(policy, hostname, port).then(
      (addresses) =>
        options?.all ? callback(null, addresses) : callback(null, addresses[0].address, addresses[0].family),
      (error: Error) => callback(error),
    );
  }) as LookupFunction;
}

/**
 * Checks a connection's host before a socket exists. IP literals never reach a lookup in Node, so they are
 * checked here and replaced by their canonical text; names get the pinned lookup. Returns the options to
 * connect with, or the refusal.
 */
export function checkedConnectOptions(
  policy: EgressPolicy,
  options: ConnectOptions,
): ConnectOptions | EgressRefusedError {
  const host = String(options.host ?? options.hostname ?? "localhost");
  const port = Number(options.port) || (options.protocol === "https:" ? 443 : 80);
  if (options.socketPath) return new EgressRefusedError(`unix:${options.socketPath}`);
  const c = classifyHost(host);
  if (c.kind === "ip") {
    // A literal's verdict needs no lookup; a refused one never becomes a socket.
    if (!addressAllowed(policy, c, port)) return new EgressRefusedError(shownTarget(host, port));
    return { ...options, host: c.address, hostname: undefined };
  }
  return { ...options, lookup: pinnedLookup(policy, port) };
}

function refuse(error: Error, callback?: Callback): undefined {
  if (!callback) throw error;
  process.nextTick(() => callback(error, undefined as unknown as Duplex));
  return undefined;
}

/** An http.Agent whose every connection (first request, retries, redirects) passes the egress policy. */
export class EgressHttpAgent extends http.Agent {
  constructor(
    readonly policy: EgressPolicy,
    options: http.AgentOptions = {},
  ) {
    super(options);
  }
  createConnection(options: http.ClientRequestArgs, callback?: Callback): Duplex | null | undefined {
    const checked = checkedConnectOptions(this.policy, options);
    if (checked instanceof Error) return refuse(checked, callback);
    return super.createConnection(checked, callback);
  }
}

/** The https.Agent counterpart: the name stays the TLS server name, so certificates are checked against it. */
export class EgressHttpsAgent extends https.Agent {
  constructor(
    readonly policy: EgressPolicy,
    options: https.AgentOptions = {},
  ) {
    super(options);
  }
  createConnection(options: https.RequestOptions, callback?: Callback): Duplex | null | undefined {
    const checked = checkedConnectOptions(this.policy, options);
    if (checked instanceof Error) return refuse(checked, callback);
    return super.createConnection(checked as https.RequestOptions, callback);
  }
}

export interface EgressAgents {
  http: EgressHttpAgent;
  https: EgressHttpsAgent;
}

/** Both agents for one policy and TLS setting; keep-alive like the SDKs' own defaults. */
export function egressAgents(policy: EgressPolicy, tls: Pick<https.AgentOptions, "ca"> = {}): EgressAgents {
  return {
    http: new EgressHttpAgent(policy, { keepAlive: true, maxSockets: 50 }),
    https: new EgressHttpsAgent(policy, { keepAlive: true, maxSockets: 50, rejectUnauthorized: true, ...tls }),
  };
}
