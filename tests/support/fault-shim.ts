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
  /** HTTP 403 with Vault's "permission denied" body (a policy without that path). */
  | "http-403"
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

const HEAD_END = Buffer.from("\r\n\r\n");

/** Reads one HTTP request (head and Content-Length body) off a socket; null when the client closed first. */
function readRequest(socket: net.Socket): Promise<{ raw: Buffer; request: ShimRequest } | null> {
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf(HEAD_END);
      if (end < 0) return;
      const head = buffered.subarray(0, end).toString("latin1").split("\r\n");
      const [method = "GET", url = "/"] = head[0].split(" ");
      const headers: http.IncomingHttpHeaders = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(":");
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      const length = Number(headers["content-length"] ?? 0);
      if (buffered.length < end + 4 + length) return;
      socket.off("data", onData);
      const body = buffered.subarray(end + 4, end + 4 + length);
      // One request per connection: the upstream is told to close after its answer, so the client opens a new
      // connection (and the shim sees) every request.
      const lines = head.filter((l, i) => i === 0 || !/^(connection|keep-alive)\s*:/i.test(l));
      lines.push("Connection: close");
      const raw = Buffer.concat([Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1"), body]);
      resolve({ raw, request: { method, url, headers, body: body.toString() } });
    };
    socket.on("data", onData);
    socket.once("close", () => resolve(null));
    socket.on("error", () => resolve(null));
  });
}

function answer(status: number, type: string, body: string, extra: Record<string, string> = {}): Buffer {
  const headers = {
    "Content-Type": type,
    "Content-Length": String(Buffer.byteLength(body)),
    Connection: "close",
    ...extra,
  };
  const head = [
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ""}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return Buffer.from(`${head.join("\r\n")}\r\n\r\n${body}`);
}

/** The upstream's whole answer (it closes after it), with its body cut in half and Content-Length saying so. */
function truncate(response: Buffer): Buffer {
  const end = response.indexOf(HEAD_END);
  if (end < 0) return response.subarray(0, Math.floor(response.length / 2));
  const head = response
    .subarray(0, end)
    .toString("latin1")
    .split("\r\n")
    .filter((l) => !/^(content-length|transfer-encoding)\s*:/i.test(l));
  const body = response.subarray(end + 4);
  const cut = body.subarray(0, Math.floor(body.length / 2));
  head.push(`Content-Length: ${cut.length}`);
  return Buffer.concat([Buffer.from(head.join("\r\n") + "\r\n\r\n", "latin1"), cut]);
}

/**
 * The shim in front of `target` (http://127.0.0.1:port). It works on the raw socket rather than through node:http,
 * whose parser refuses Vault's LIST method.
 */
export async function startFaultShim(target: string): Promise<FaultShim> {
  const upstream = new URL(target);
  let rule: ShimRule | null = null;
  let matched = 0;
  let served = 0;
  let requests: ShimRequest[] = [];
  const sockets = new Set<net.Socket>();

  async function handle(socket: net.Socket) {
    const got = await readRequest(socket);
    if (!got) return socket.destroy();
    requests.push(got.request);
    let fault: ShimRule | null = null;
    if (rule && rule.match(got.request)) {
      matched++;
      const skip = rule.skip ?? 0;
      if (matched > skip && matched <= skip + (rule.count ?? Infinity)) {
        served++;
        fault = rule;
      }
    }
    const retryAfter: Record<string, string> = fault?.retryAfter ? { "Retry-After": fault.retryAfter } : {};
    switch (fault?.answer) {
      case "reset":
        return socket.resetAndDestroy();
      case "aws-throttle":
        return socket.end(
          answer(
            400,
            "application/x-amz-json-1.1",
            JSON.stringify({ __type: "ThrottlingException", message: "Rate exceeded" }),
            retryAfter,
          ),
        );
      case "http-429":
        return socket.end(
          answer(
            429,
            "application/json",
            JSON.stringify({ errors: [`request path "${got.request.url}": rate limit quota exceeded`] }),
            retryAfter,
          ),
        );
      case "http-403":
        return socket.end(
          answer(403, "application/json", JSON.stringify({ errors: ["1 error occurred:\n\t* permission denied\n\n"] })),
        );
      case "html":
        return socket.end(
          answer(
            200,
            "text/html",
            "<html><head><title>Gateway</title></head><body><h1>Service temporarily unavailable</h1></body></html>",
          ),
        );
    }
    const out = net.connect(Number(upstream.port), upstream.hostname);
    sockets.add(out);
    out.on("close", () => sockets.delete(out));
    out.on("error", () => socket.destroy());
    socket.on("error", () => out.destroy());
    if (fault?.answer === "truncated") {
      const chunks: Buffer[] = [];
      out.on("data", (c: Buffer) => chunks.push(c));
      out.on("end", () => socket.end(truncate(Buffer.concat(chunks))));
    } else out.pipe(socket);
    out.write(got.raw);
  }

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    void handle(socket);
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
