import http2 from "node:http2";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { GoogleAuth } from "google-auth-library";
import { createMaxRetriesBackoffSettings, createRetryOptions, GoogleError, grpc, Status } from "google-gax";
import { emulatorsDisabled } from "../../support/emulators";
import { loopbackOnly } from "../../support/loopback-only";
import {
  closedPort,
  serviceAccountKey,
  silentServer,
  startFake,
  tlsFront,
  type FakeInstance,
  type TlsFront,
} from "../../support/backends/gcp";
import { gcpErrorCode, lastAttempt } from "../../../lib/backends/gcp/errors";

// Every error below is a real one: thrown by the SDK against sockets opened here, or by gcp-sm-fake.
const parent = "projects/keyhold-test";
const guard = loopbackOnly();
afterAll(() => {
  guard.restore();
  expect(guard.refused).toEqual([]);
});

function plain(port: number) {
  return new SecretManagerServiceClient({
    apiEndpoint: "127.0.0.1",
    port,
    sslCreds: grpc.credentials.createInsecure(),
    universeDomain: "googleapis.com",
  });
}

function tlsClient(port: number, ca: string | null, key = serviceAccountKey()) {
  const auth = new GoogleAuth({ credentials: JSON.parse(key), universeDomain: "googleapis.com" });
  const call = grpc.credentials.createFromGoogleCredential({
    getRequestHeaders: async (url?: string) => Object.fromEntries((await auth.getRequestHeaders(url)).entries()),
  });
  const sslCreds = grpc.credentials.combineChannelCredentials(
    grpc.credentials.createSsl(ca ? Buffer.from(ca) : null),
    call,
  );
  return new SecretManagerServiceClient({
    apiEndpoint: "127.0.0.1",
    port,
    sslCreds,
    auth,
    universeDomain: "googleapis.com",
  });
}

async function errorOf(
  client: SecretManagerServiceClient,
  options: Record<string, unknown> = {},
  request = { parent, pageSize: 1 },
): Promise<unknown> {
  try {
    await client.listSecrets(request, { autoPaginate: false, retry: null, timeout: 3_000, ...options });
  } catch (error) {
    return error;
  } finally {
    await client.close();
  }
  throw new Error("the call succeeded");
}

describe("gcpErrorCode on connection failures", () => {
  const servers: { close(): void }[] = [];
  let front: TlsFront;
  beforeAll(async () => {
    // An HTTP/2 server behind the TLS front lets the channel get ready, so the call credential runs.
    const h2 = http2.createServer();
    await new Promise<void>((r) => h2.listen(0, "127.0.0.1", r));
    front = await tlsFront((h2.address() as net.AddressInfo).port);
    servers.push(front, h2);
  });
  afterAll(() => servers.forEach((s) => s.close()));

  it("a closed port is unreachable, also after google-gax gave up retrying", async () => {
    const port = await closedPort();
    const direct = await errorOf(plain(port));
    expect(direct).toMatchObject({ code: Status.UNAVAILABLE });
    expect(gcpErrorCode(direct)).toBe("unreachable");

    const retry = createRetryOptions(
      [Status.UNAVAILABLE],
      createMaxRetriesBackoffSettings(10, 1, 10, 3_000, 1, 3_000, 2),
    );
    const retried = await errorOf(plain(port), { retry });
    expect(retried).toMatchObject({
      code: Status.DEADLINE_EXCEEDED,
      message: expect.stringMatching(/^Exceeded maximum number of retries/),
    });
    expect(gcpErrorCode(retried)).toBe("unreachable");
    expect(lastAttempt(retried)).toMatchObject({
      code: Status.UNAVAILABLE,
      message: expect.stringMatching(/^14 UNAVAILABLE: .*ECONNREFUSED/),
    });
  });

  it("a server that never answers is a timeout", async () => {
    const silent = await silentServer();
    servers.push(silent);
    const error = await errorOf(plain(silent.port), { timeout: 300 });
    expect(error).toMatchObject({ code: Status.DEADLINE_EXCEEDED });
    expect(gcpErrorCode(error)).toBe("timeout");
  });

  it("TLS to a plaintext server, or to a certificate nobody vouches for, is tls", async () => {
    const plaintext = net.createServer((s) => s.end("HTTP/1.1 400 Bad Request\r\n\r\n"));
    await new Promise<void>((r) => plaintext.listen(0, "127.0.0.1", r));
    servers.push(plaintext);
    const wrongVersion = await errorOf(tlsClient((plaintext.address() as net.AddressInfo).port, null));
    expect(String((wrongVersion as Error).message)).toMatch(/wrong version number|packet length too long|SSL routines/);
    expect(gcpErrorCode(wrongVersion)).toBe("tls");

    const selfSigned = await errorOf(tlsClient(front.port, null));
    expect(String((selfSigned as Error).message)).toMatch(/self[- ]signed certificate/);
    expect(gcpErrorCode(selfSigned)).toBe("tls");
  });

  it("a key that cannot sign a token is unauthenticated", async () => {
    const broken = serviceAccountKey(undefined, "-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----\n");
    const error = await errorOf(tlsClient(front.port, front.ca, broken));
    expect(String((error as Error).message)).toMatch(/Getting metadata from plugin failed/);
    expect(gcpErrorCode(error)).toBe("unauthenticated");
  });
});

describe.skipIf(emulatorsDisabled)("gcpErrorCode on errors gcp-sm-fake answers", () => {
  let strict: FakeInstance;
  let authed: FakeInstance;
  beforeAll(async () => {
    [strict, authed] = await Promise.all([
      startFake(["-projects", "keyhold-test", "-disabled-projects", "api-off-project"]),
      startFake(["-service-accounts", "nobody@x.iam.gserviceaccount.com"]),
    ]);
  });
  afterAll(async () => {
    await strict?.stop();
    await authed?.stop();
  });

  it("maps the service's statuses", async () => {
    const list = (project: string) => errorOf(plain(strict.port), {}, { parent: `projects/${project}`, pageSize: 1 });
    expect(gcpErrorCode(await list("other-project"))).toBe("forbidden");
    const disabled = await list("api-off-project");
    expect(disabled).toMatchObject({ code: Status.PERMISSION_DENIED, reason: "SERVICE_DISABLED" });
    expect(gcpErrorCode(disabled)).toBe("not-found");
    expect(gcpErrorCode(await errorOf(plain(authed.port)))).toBe("unauthenticated");

    const c = plain(strict.port);
    try {
      const secret = { replication: { automatic: {} } };
      await c.createSecret({ parent, secretId: "dup", secret });
      const caught = (p: Promise<unknown>) =>
        p.then(
          () => null,
          (e: unknown) => e,
        );
      expect(gcpErrorCode(await caught(c.createSecret({ parent, secretId: "dup", secret })))).toBe("conflict");
      expect(gcpErrorCode(await caught(c.deleteSecret({ name: `${parent}/secrets/dup`, etag: '"stale"' })))).toBe(
        "conflict",
      );
      expect(gcpErrorCode(await caught(c.getSecret({ name: `${parent}/secrets/missing` })))).toBe("not-found");
      expect(
        gcpErrorCode(
          await caught(
            c.createSecret({ parent, secretId: "bad-label", secret: { ...secret, labels: { API_KEY: "x" } } }),
          ),
        ),
      ).toBe("invalid-input");
    } finally {
      await c.close();
    }
  });
});

describe("gcpErrorCode on google-gax's own error class", () => {
  const error = (code: Status, message: string, reason?: string) =>
    Object.assign(new GoogleError(message), { code, ...(reason ? { reason } : {}) });

  it.each([
    [
      Status.UNAUTHENTICATED,
      "16 UNAUTHENTICATED: Request had invalid authentication credentials.",
      undefined,
      "unauthenticated",
    ],
    [
      Status.PERMISSION_DENIED,
      "7 PERMISSION_DENIED: Permission 'secretmanager.secrets.list' denied",
      undefined,
      "forbidden",
    ],
    [
      Status.PERMISSION_DENIED,
      "7 PERMISSION_DENIED: Secret Manager API has not been used in project 12 before or it is disabled.",
      "SERVICE_DISABLED",
      "not-found",
    ],
    [
      Status.RESOURCE_EXHAUSTED,
      "8 RESOURCE_EXHAUSTED: Quota exceeded for quota metric 'Access requests'",
      undefined,
      "throttled",
    ],
    [Status.CANCELLED, "1 CANCELLED: Call cancelled", undefined, "timeout"],
    [Status.INTERNAL, "13 INTERNAL: Received RST_STREAM with code 2", undefined, null],
  ] as const)("code %i → %s", (code, message, reason, expected) => {
    expect(gcpErrorCode(error(code, message, reason))).toBe(expected);
  });

  it("says nothing about what it does not know", () => {
    expect(gcpErrorCode(new Error("something else"))).toBeNull();
    expect(gcpErrorCode(undefined)).toBeNull();
  });
});
