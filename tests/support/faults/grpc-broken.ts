// Test kit: cleartext HTTP/2 servers that a gRPC client reaches but that are not a gRPC service: one answers an HTML
// page (a gateway or captive portal speaking HTTP/2), one a gRPC answer whose message is cut short.
import http2 from "node:http2";
import type net from "node:net";

export interface BrokenServer {
  port: number;
  close(): void;
}

async function serve(onStream: (stream: http2.ServerHttp2Stream) => void): Promise<BrokenServer> {
  const server = http2.createServer();
  server.on("stream", (stream) => {
    stream.on("error", () => undefined);
    onStream(stream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

export const htmlServer = () =>
  serve((stream) => {
    stream.respond({ ":status": 200, "content-type": "text/html" });
    stream.end("<html><head><title>Gateway</title></head><body><h1>Service temporarily unavailable</h1></body></html>");
  });

export const truncatedGrpcServer = () =>
  serve((stream) => {
    stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
    stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
    // A message that announces 100 bytes and brings 10 of them.
    const frame = Buffer.alloc(15);
    frame.writeUInt8(0, 0);
    frame.writeUInt32BE(100, 1);
    frame.write("\x0a\x08projects", 5, "latin1");
    stream.end(frame);
  });
