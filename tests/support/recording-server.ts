// Test kit: an HTTP listener on loopback that records every connection and request it sees, to prove what
// the server sent where (or that nothing was sent at all).
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface RecordingServer {
  url: string;
  port: number;
  connections: () => number;
  requests: RecordedRequest[];
  close: () => Promise<void>;
}

/** Answers every request with `status` and a small JSON body (a Vault-style `errors` array by default). */
export async function startRecordingServer(
  status = 403,
  body: unknown = { errors: ["permission denied"] },
): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    req.resume();
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connections: () => connections,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
