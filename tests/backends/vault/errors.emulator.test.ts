// Real node-vault errors: ApiResponseError is not exported, so each one is produced by node-vault itself
// against a local HTTP server answering as Vault does; network errors come from real sockets (axios).
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import nodeVault from "node-vault";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isMissingPath, vaultErrorCode, vaultMessage, vaultStatus } from "../../../lib/backends/vault/errors";

let server: http.Server;
let hang: net.Server;
let base = "";
let hangBase = "";
const answers = new Map<string, [number, unknown]>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const [status, body] = answers.get(req.url ?? "") ?? [500, { errors: ["unexpected"] }];
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hang = net.createServer(() => {}); // accepts and never answers
  await new Promise<void>((r) => hang.listen(0, "127.0.0.1", r));
  hangBase = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  hang.close();
});

const client = (endpoint: string) => {
  const c = nodeVault({ endpoint, token: "t-CANARY", debug: () => {} }) as ReturnType<typeof nodeVault> & {
    namespace: string;
    pathPrefix: string;
  };
  c.namespace = "";
  c.pathPrefix = "";
  return c;
};
const caught = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );

async function vaultAnswer(status: number, body: unknown): Promise<unknown> {
  const path = `/v1/answer/${status}/${answers.size}`;
  answers.set(path, [status, body]);
  return caught(client(base).read(path.slice(4), { timeout: 2000 }));
}

describe("vault error codes from real node-vault errors", () => {
  it.each([
    [400, { errors: ["invalid username or password"] }, "unauthenticated"],
    [400, { errors: ["invalid role or secret ID"] }, "unauthenticated"],
    [400, { errors: ["check-and-set parameter did not match the current version"] }, "conflict"],
    [400, { errors: ["custom_metadata values must be at most 512 bytes"] }, "invalid-input"],
    [401, { errors: [] }, "unauthenticated"],
    [403, { errors: ["permission denied"] }, "forbidden"],
    [403, { errors: ["1 error occurred:\n\t* permission denied\n\n"] }, "forbidden"],
    [403, { errors: ["invalid token"] }, "unauthenticated"],
    [404, { errors: [] }, "not-found"],
    [404, { errors: ['no handler for route "nosuch/metadata/". route entry not found.'] }, "not-found"],
    [404, { errors: ["namespace not found"] }, "not-found"],
    [405, { errors: ["unsupported operation"] }, "invalid-config"],
    [429, { errors: ["request path: rate limit quota exceeded"] }, "throttled"],
    [503, { errors: ["Vault is sealed"] }, "unreachable"],
    [500, { errors: ["internal error"] }, "unreachable"],
  ])("HTTP %i %j → %s", async (status, body, code) => {
    const error = await vaultAnswer(status, body);
    expect((error as object).constructor.name).toBe("ApiResponseError");
    expect(vaultStatus(error)).toBe(status);
    expect(vaultErrorCode(error)).toBe(code);
  });

  it("keeps Vault's words and drops its '1 error occurred' wrapper", async () => {
    expect(vaultMessage(await vaultAnswer(403, { errors: ["1 error occurred:\n\t* permission denied\n\n"] }))).toBe(
      "HTTP 403: permission denied",
    );
    expect(vaultMessage(await vaultAnswer(400, { errors: ["2 errors occurred:\n\t* one\n\t* two\n\n"] }))).toBe(
      "HTTP 400: one; two",
    );
    expect(vaultMessage(await vaultAnswer(404, { errors: [] }))).toBe("HTTP 404: no message");
  });

  it("tells a missing entry or folder from a missing mount or namespace", async () => {
    expect(isMissingPath(await vaultAnswer(404, { errors: [] }))).toBe(true);
    expect(
      isMissingPath(
        await vaultAnswer(404, { data: { data: null, metadata: { deletion_time: "2026-01-01T00:00:00Z" } } }),
      ),
    ).toBe(true);
    expect(
      isMissingPath(await vaultAnswer(404, { errors: ['no handler for route "x/". route entry not found.'] })),
    ).toBe(false);
    expect(isMissingPath(await vaultAnswer(404, { errors: ["namespace not found"] }))).toBe(false);
    expect(isMissingPath(await vaultAnswer(403, { errors: ["permission denied"] }))).toBe(false);
  });

  it("maps a closed port to unreachable", async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const error = await caught(client(`http://127.0.0.1:${port}`).read("secret/data/x", { timeout: 2000 }));
    expect(error).toMatchObject({ code: "ECONNREFUSED" });
    expect(vaultErrorCode(error)).toBe("unreachable");
  });

  it("maps a server that never answers to timeout", async () => {
    const error = await caught(client(hangBase).read("secret/data/x", { timeout: 200 }));
    expect(error).toMatchObject({ code: "ECONNABORTED" });
    expect(vaultErrorCode(error)).toBe("timeout");
  });

  it("maps https to a plain HTTP port to tls", async () => {
    const error = await caught(client(base.replace("http:", "https:")).read("secret/data/x", { timeout: 2000 }));
    expect(vaultErrorCode(error)).toBe("tls");
  });

  it("maps an unusable address to invalid-config", async () => {
    const error = await caught(client("not a url").read("x"));
    expect(error).toMatchObject({ code: "ERR_INVALID_URL" });
    expect(vaultErrorCode(error)).toBe("invalid-config");
  });

  it("never repeats the request (and its token) in the message", async () => {
    const error = await caught(client(hangBase).read("secret/data/x", { timeout: 200 }));
    expect(vaultMessage(error)).not.toContain("CANARY");
  });
});
