import { readFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { httpAnswer, startCountingListener } from "../support/counting-listener";
import { createEgressPolicy } from "../../lib/net/egress";
import { createBackend } from "../../lib/backends/registry";
import { BACKEND_TEXT_MAX } from "../../lib/backends/backend-error";
import { parseConfigDocument, type ConfigDocument } from "../../lib/backends/document";
import { closeGcpClients } from "../../lib/backends/gcp/client";
import { emulatorEnv, emulatorsDisabled } from "../support/emulators";

// What a tenant administrator reads back when they point a form at a server that is not a secrets backend:
// never the page it answered with, and of a backend's own error text only a short piece. Loopback only.

const PAGE = `CANARY-page-start ${"internal dashboard row ".repeat(60)}CANARY-page-end`;
const LONG = `CANARY-long-start ${"word ".repeat(200)}CANARY-long-end`;

const ANSWERS: [string, number, string, string][] = [
  [
    "an HTML error page",
    500,
    "text/html",
    `<html><head><title>Admin</title></head><body><h1>${PAGE}</h1></body></html>`,
  ],
  ["an HTML page with 200", 200, "text/html; charset=utf-8", `<html><body>${PAGE}</body></html>`],
  ["a plain-text 404", 404, "text/plain", PAGE],
  [
    "an XML page that is not an AWS error",
    403,
    "application/xml",
    `<Root><Code>${PAGE}</Code><Message>${PAGE}</Message></Root>`,
  ],
  ["a long AWS-style XML error", 403, "text/xml", `<Error><Code>AccessDenied</Code><Message>${LONG}</Message></Error>`],
  ["a JSON-typed 200 that is not JSON", 200, "application/x-amz-json-1.1", `CANARY-page ${PAGE}`],
  ["a short page", 200, "text/html", "CANARY-page"],
  [
    "a long JSON error",
    400,
    "application/json",
    JSON.stringify({
      errors: [LONG],
      message: LONG,
      __type: "ValidationException",
      error: { code: "Bad", message: LONG },
    }),
  ],
];

function parse(raw: Record<string, unknown>): ConfigDocument {
  const parsed = parseConfigDocument(raw, { unknownKeys: "error", incomplete: "warn" });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.document;
}

const HTTP_DOCUMENTS: Record<string, (url: string) => ConfigDocument> = {
  vault: (url) =>
    parse({ type: "vault", "read-only": true, vault: { address: url, token: { token: "CANARY-echo-token" } } }),
  "aws-secret-manager": (url) =>
    parse({
      type: "aws-secret-manager",
      "read-only": true,
      "aws-secret-manager": {
        region: "us-east-1",
        "endpoint-override": url,
        "access-key-id": "AKIAECHO",
        "secret-key-id": "CANARY-echo-secret",
      },
    }),
  "google-secret-manager": (url) =>
    parse({
      type: "google-secret-manager",
      "read-only": true,
      "google-secret-manager": { project: "keyhold-test", "endpoint-override": url },
    }),
};

function expectShort(message: string) {
  expect(message).not.toContain("CANARY-page");
  expect(message).not.toContain("internal dashboard");
  expect(message).not.toContain("CANARY-long-end");
  // At most the backend's short text beside Keyhold's own words.
  expect(message.length).toBeLessThanOrEqual(300);
  const repeated = /CANARY-long-start[^…]*/.exec(message)?.[0] ?? "";
  expect(repeated.length).toBeLessThanOrEqual(BACKEND_TEXT_MAX);
}

afterAll(() => closeGcpClients());

describe.each(Object.keys(HTTP_DOCUMENTS))("%s: error messages repeat no page", (type) => {
  it.each(ANSWERS)("%s", async (_, status, contentType, body) => {
    const listener = await startCountingListener(httpAnswer(status, contentType, body));
    try {
      const egress = createEgressPolicy({ allow: [listener.hostPort] });
      const error = await createBackend({
        document: HTTP_DOCUMENTS[type](`http://${listener.hostPort}`),
        attachment: { tenant: "acme", namespace: null },
        timeoutMs: 3_000,
        egress,
      })
        .verify()
        .then(
          () => null,
          (e: Error) => e,
        );
      expect(error).not.toBeNull();
      expect(listener.connections()).toBeGreaterThan(0);
      expectShort(error!.message);
    } finally {
      await listener.close();
    }
  });
});

describe.skipIf(emulatorsDisabled)("azure-key-vault: error messages repeat no page", () => {
  it.each(ANSWERS)("%s, from the vault and from the authority", async (_, status, contentType, body) => {
    // The emulator's certificate (127.0.0.1) lets the SDK's TLS succeed, so the answer itself is what is judged.
    const dir = emulatorEnv("KEYHOLD_AZURE_CA_CERT").replace(/cert\.pem$/, "");
    const server = https.createServer(
      { key: readFileSync(`${dir}key.pem`), cert: readFileSync(`${dir}cert.pem`) },
      (req, res) => {
        req.resume();
        res
          .writeHead(status, {
            "content-type": contentType,
            "www-authenticate": `Bearer authorization="https://127.0.0.1/tenant", resource="https://vault.azure.net"`,
          })
          .end(body);
      },
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const document = parse({
        type: "azure-key-vault",
        "read-only": true,
        "azure-key-vault": {
          "key-vault-uri": url,
          "authority-host": url,
          "ca-certificate": readFileSync(`${dir}cert.pem`, "utf8"),
          "disable-challenge-resource-verification": true,
          clientSecret: {
            tenantId: "00000000-0000-0000-0000-000000000000",
            clientId: "echo-app",
            clientSecret: "CANARY-echo-azure",
          },
        },
      });
      const egress = createEgressPolicy({ allow: [url.slice("https://".length)] });
      const error = await createBackend({
        document,
        attachment: { tenant: "acme", namespace: null },
        timeoutMs: 3_000,
        egress,
      })
        .verify()
        .then(
          () => null,
          (e: Error) => e,
        );
      expect(error).not.toBeNull();
      expectShort(error!.message);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
