// Test kit: a loopback HTTP shim in front of an HTTP backend (moto, OpenBao) that forwards every request, except the
// ones a rule picks: those it answers as a throttling, broken or vanishing backend would. It counts what it saw, so a
// test can tell how many calls a retry made and whether a listing resumed or restarted.
import http from "node:http";
import net from "node:net";

export interface ShimRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type ShimAnswer =
  /** AWS's throttling: HTTP 400 with the JSON error `ThrottlingException`. */
  | "aws-throttle"
  /** HTTP 429 with Vault's error body (a rate limit quota). */
  | "http-429"
  /** 200 with an HTML page, as a captive portal or a misrouted gateway answers. */
  | "html"
  /** The real answer cut in half (Content-Length says so: a complete HTTP message holding broken JSON). */
  | "truncated"
  /** The connection is reset without an answer. */
  | "reset";

export interface ShimRule {
  match: (req: ShimRequest) => boolean;
  answer: ShimAnswer;
  /** Matching requests let through first. */
  skip?: number;
  /** Matching requests answered with the fault after those (default: all). */
  count?: number;
  /** Retry-After header value on throttling answers. */
  retryAfter?: string;
}

export interface FaultShim {
  url: string;
  port: number;
  arm(rule: ShimRule): void;
  clear(): void;
  /** Requests that matched the rule, faults served, and every request seen since `arm`/`clear`. */
  counts(): { matched: number; served: number; requests: ShimRequest[] };
  close(): Promise<void>;
}

const read = (stream: NodeJS.ReadableStream) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });

/** The shim in front of `target` (http://127.0.0.1:port). */
export async function startFaultShim(target: string): Promise<FaultShim> {
  const upstream = new URL(target);
  let rule: ShimRule | null = null;
  let matched = 0;
  let served = 0;
  let requests: ShimRequest[] = [];
  const sockets = new Set<net.Socket>();

  const forward = (req: http.IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const out = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        async (res) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: await read(res) }),
      );
      out.on("error", reject);
      out.end(body);
    });

  const server = http.createServer(async (req, res) => {
    const body = await read(req);
    const seen: ShimRequest = { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body: String(body) };
    requests.push(seen);
    let fault: ShimRule | null = null;
    if (rule && rule.match(seen)) {
      matched++;
      const skip = rule.skip ?? 0;
      if (matched > skip && matched <= skip + (rule.count ?? Infinity)) {
        served++;
        fault = rule;
      }
    }
    try {
      if (fault?.answer === "reset") {
        req.socket.resetAndDestroy();
        return;
      }
      const retryAfter = fault?.retryAfter ? { "retry-after": fault.retryAfter } : {};
      if (fault?.answer === "aws-throttle") {
        res
          .writeHead(400, { "content-type": "application/x-amz-json-1.1", ...retryAfter })
          .end(JSON.stringify({ __type: "ThrottlingException", message: "Rate exceeded" }));
        return;
      }
      if (fault?.answer === "http-429") {
        res
          .writeHead(429, { "content-type": "application/json", ...retryAfter })
          .end(JSON.stringify({ errors: [`request path "${seen.url}": rate limit quota exceeded`] }));
        return;
      }
      if (fault?.answer === "html") {
        res
          .writeHead(200, { "content-type": "text/html" })
          .end("<html><head><title>Gateway</title></head><body><h1>Service temporarily unavailable</h1></body></html>");
        return;
      }
      const answer = await forward(req, body);
      const headers = { ...answer.headers };
      delete headers["transfer-encoding"];
      delete headers.connection;
      let out = answer.body;
      if (fault?.answer === "truncated") out = out.subarray(0, Math.floor(out.length / 2));
      headers["content-length"] = String(out.length);
      res.writeHead(answer.status, headers).end(out);
    } catch {
      req.socket.destroy();
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    arm(next) {
      rule = next;
      matched = served = 0;
      requests = [];
    },
    clear() {
      rule = null;
      matched = served = 0;
      requests = [];
    },
    counts: () => ({ matched, served, requests }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
