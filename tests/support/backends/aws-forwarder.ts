// Test kit: a recording forwarder on loopback in front of moto. Every request passes through unchanged, and the kit
// keeps what was sent (the STS form, the Secrets Manager target, the signing key) and what came back, so a test sees
// which role was assumed with which external id, and which key signed each call.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ForwardedCall {
  /** The Secrets Manager operation (`secretsmanager.listsecrets`), lower case; empty for an STS call. */
  target: string;
  /** The STS Query API form (`Action`, `RoleArn`, `ExternalId`…); empty for a JSON call. */
  form: URLSearchParams;
  authorization: string | undefined;
  status: number;
  answer: string;
}

export interface AwsForwarder {
  url: string;
  port: number;
  seen: ForwardedCall[];
  /** Connections accepted so far: 0 proves nothing was even attempted. */
  connections: () => number;
  /** The STS calls (AssumeRole, AssumeRoleWithWebIdentity), in order. */
  stsCalls: () => ForwardedCall[];
  /** The Secrets Manager calls, in order. */
  smCalls: () => ForwardedCall[];
  close: () => Promise<void>;
}

/** The access key id a SigV4 Authorization header names. */
export const signer = (call: ForwardedCall) => /Credential=([^/]+)\//.exec(call.authorization ?? "")?.[1];

/** The session's access key id in an STS answer. */
export const issuedKey = (call: ForwardedCall) => /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(call.answer)?.[1];

/** Forwards every request to `target` (moto's endpoint) from 127.0.0.1:`port` (0: a port the system chooses). */
export async function startAwsForwarder(target: string, port = 0): Promise<AwsForwarder> {
  const upstreamUrl = new URL(target);
  const seen: ForwardedCall[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const upstream = http.request(
        {
          host: upstreamUrl.hostname,
          port: upstreamUrl.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          const back: Buffer[] = [];
          answer.on("data", (c: Buffer) => back.push(c));
          answer.on("end", () => {
            const text = Buffer.concat(back).toString("utf8");
            seen.push({
              target: String(req.headers["x-amz-target"] ?? "").toLowerCase(),
              form: new URLSearchParams(
                String(req.headers["content-type"]).includes("x-www-form-urlencoded") ? body.toString("utf8") : "",
              ),
              authorization: req.headers.authorization,
              status: answer.statusCode ?? 0,
              answer: text,
            });
            res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(back));
          });
        },
      );
      upstream.on("error", () => res.writeHead(502).end());
      upstream.end(body);
    });
  });
  let connections = 0;
  server.on("connection", () => connections++);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    seen,
    connections: () => connections,
    stsCalls: () => seen.filter((s) => s.form.has("Action")),
    smCalls: () => seen.filter((s) => s.target.startsWith("secretsmanager.")),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
