// Test kit: a loopback HTTP(S) proxy in front of an emulator that records every request it forwards (method, path,
// the X-Amz-Target header), so that a test can count what a backend was asked, by kind, as seen on the wire.
import http from "node:http";
import https from "node:https";
import net, { type AddressInfo } from "node:net";

export interface ProxiedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  /** AWS JSON protocol operation (`secretsmanager.GetSecretValue`), when present. */
  target: string | null;
}

export interface CountingProxy {
  /** Where to point the backend instead of the emulator (same scheme). */
  url: string;
  requests: ProxiedRequest[];
  /** How many recorded requests match. */
  count(match: (r: ProxiedRequest) => boolean): number;
  close(): Promise<void>;
}

/**
 * Forwards every request to `upstream`. With `tls`, it serves HTTPS with that certificate (the emulator's own, so a
 * client trusting the emulator trusts the proxy) and trusts `tls.ca` upstream.
 */
export async function startCountingProxy(
  upstream: string,
  tls?: { cert: string; key: string; ca: string },
  options: { delayMs?: (request: ProxiedRequest) => number } = {},
): Promise<CountingProxy> {
  const target = new URL(upstream);
  const requests: ProxiedRequest[] = [];
  const handler: http.RequestListener = (req, res) => {
    const amzTarget = req.headers["x-amz-target"];
    const recorded: ProxiedRequest = {
      method: req.method ?? "",
      url: req.url ?? "",
      target: typeof amzTarget === "string" ? amzTarget : null,
    };
    requests.push(recorded);
    // A slow backend, on demand: the answer is held back, so calls from several clients overlap.
    const delay = options.delayMs?.(recorded) ?? 0;
    const forward = (target.protocol === "https:" ? https : http).request(
      {
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
        ...(tls ? { ca: tls.ca } : {}),
      },
      (answer) => {
        setTimeout(() => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        }, delay);
      },
    );
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  };
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    requests,
    count: (match) => requests.filter(match).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The same over plain TCP, for clients whose methods Node's HTTP parser refuses (Vault's `LIST`): bytes pass through
 * untouched, and request lines (`LIST /v1/secret/metadata/ HTTP/1.1`) are recorded from the client's stream.
 */
export async function startCountingTcpProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const server = net.connect(Number(target.port), target.hostname);
    for (const s of [client, server]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => (s === client ? server : client).destroy());
    }
    let pending = "";
    client.on("data", (chunk: Buffer) => {
      pending += chunk.toString("latin1");
      const lines = pending.split("\r\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const m = /^([A-Z]+) (\/\S*) HTTP\/1\.[01]$/.exec(line);
        if (m) requests.push({ method: m[1], url: m[2], target: null });
      }
    });
    client.pipe(server);
    server.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    count: (match) => requests.filter(match).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
