// Test kit: a TCP listener on 127.0.0.1 that counts the connections it accepts, to prove that a refused address
// saw none (and that an allowed one did). It can answer each connection with raw bytes, e.g. an HTTP page.
import net from "node:net";

export interface CountingListener {
  port: number;
  /** `127.0.0.1:port`, as an egress entry names it. */
  hostPort: string;
  connections: () => number;
  close: () => Promise<void>;
}

/** `answer` is written to every connection once it sends something; without it the connection is closed at once. */
export async function startCountingListener(answer?: string | Buffer): Promise<CountingListener> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    if (answer === undefined) socket.destroy();
    else socket.once("data", () => socket.end(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    hostPort: `127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP answer with a body, for what a backend makes of a page that is not its own. */
export function httpAnswer(status: number, contentType: string, body: string): string {
  return `HTTP/1.1 ${status} Whatever\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}
