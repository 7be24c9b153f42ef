import http from "node:http";
import net from "node:net";
import {
  DecryptionFailure,
  GetSecretValueCommand,
  InternalServiceError,
  InvalidParameterException,
  InvalidRequestException,
  LimitExceededException,
  ListSecretsCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerServiceException,
} from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { networkErrorCode } from "../../../lib/backends/backend-error";
import { emulatorEnv, emulatorsDisabled } from "../../support/emulators";
import { awsClient } from "../../../lib/backends/aws/client";
import type { AwsSection } from "../../../lib/backends/aws/config";
import { awsErrorCode } from "../../../lib/backends/aws/errors";

for (const name of ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
  delete process.env[name];
process.env.AWS_EC2_METADATA_DISABLED = "true";
process.env.AWS_CONFIG_FILE = "/nonexistent/keyhold-aws-config";
process.env.AWS_SHARED_CREDENTIALS_FILE = "/nonexistent/keyhold-aws-credentials";

const $metadata = { httpStatusCode: 400 };
/** The code the generic layer ends up with: the driver's mapping first, then the network one. */
const codeOf = (e: unknown) => awsErrorCode(e) ?? networkErrorCode(e);
const keys = { "access-key-id": "AKIATEST", "secret-key-id": "test-secret", region: "us-east-1" } as const;

async function failureOf(section: Partial<AwsSection>, timeoutMs = 2_000): Promise<unknown> {
  const client = awsClient({ prefix: "kestra", ...section } as AwsSection, timeoutMs);
  return client.send(new ListSecretsCommand({ MaxResults: 1 })).then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
}

describe("awsErrorCode: the SDK's exception classes", () => {
  it.each([
    [
      new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata }),
      "not-found",
    ],
    [new ResourceExistsException({ message: "exists", $metadata }), "conflict"],
    [new InvalidRequestException({ message: "marked for deletion", $metadata }), "conflict"],
    [new InvalidParameterException({ message: "bad tag", $metadata }), "invalid-input"],
    [new LimitExceededException({ message: "quota", $metadata }), "invalid-input"],
    [new DecryptionFailure({ message: "kms", $metadata }), "forbidden"],
    [new InternalServiceError({ message: "boom", $metadata: { httpStatusCode: 500 } }), null],
  ])("%s → %s", (error, code) => expect(awsErrorCode(error)).toBe(code));

  // Errors without a modelled class reach the client as SecretsManagerServiceException named after AWS's `__type`.
  it.each([
    ["AccessDeniedException", "forbidden"],
    ["UnrecognizedClientException", "unauthenticated"],
    ["InvalidSignatureException", "unauthenticated"],
    ["ExpiredTokenException", "unauthenticated"],
    ["ThrottlingException", "throttled"],
  ])("%s → %s", (name, code) => {
    expect(awsErrorCode(new SecretsManagerServiceException({ name, $fault: "client", $metadata, message: name }))).toBe(
      code,
    );
  });
});

describe("awsErrorCode: errors the SDK really throws", () => {
  const servers: net.Server[] = [];
  let xmlEndpoint = "";
  beforeAll(async () => {
    const answers: Record<string, [number, string, string]> = {
      "/xml403": [
        403,
        "text/xml",
        "<ErrorResponse><Error><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>",
      ],
      "/html403": [403, "text/html", "<html><body><h1>Forbidden by proxy</h1></body></html>"],
      "/html502": [502, "text/html", "<html><body>Bad gateway</body></html>"],
    };
    const server = http.createServer((req, res) => {
      const [status, type, body] = answers[(req.url ?? "").replace(/\/+$/, "")] ?? [404, "text/plain", "nothing here"];
      res.writeHead(status, { "content-type": type }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    servers.push(server);
    xmlEndpoint = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  afterAll(() => servers.forEach((s) => s.close()));

  it("a closed port is unreachable", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    expect(codeOf(await failureOf({ ...keys, "endpoint-override": `http://127.0.0.1:${port}` }))).toBe("unreachable");
  });

  it("a server that never answers is a timeout (the SDK's own request timeout)", async () => {
    const silent = net.createServer(() => {}).listen(0, "127.0.0.1");
    servers.push(silent);
    await new Promise((r) => silent.once("listening", r));
    const error = await failureOf(
      { ...keys, "endpoint-override": `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}` },
      500,
    );
    expect(codeOf(error)).toBe("timeout");
  });

  it("TLS to a plain HTTP port is a tls failure", async () => {
    expect(codeOf(await failureOf({ ...keys, "endpoint-override": xmlEndpoint.replace("http:", "https:") }))).toBe(
      "tls",
    );
  });

  it("an AWS-style XML error keeps its name (moto's IAM checks answer this way)", async () => {
    const error = await failureOf({ ...keys, "endpoint-override": `${xmlEndpoint}/xml403` });
    expect(error).toBeInstanceOf(SecretsManagerServiceException);
    expect(error).toMatchObject({
      name: "InvalidClientTokenId",
      message: "The security token included in the request is invalid.",
    });
    expect(codeOf(error)).toBe("unauthenticated");
  });

  it("an HTML error page maps by its HTTP status and says so, without repeating the page", async () => {
    const forbidden = await failureOf({ ...keys, "endpoint-override": `${xmlEndpoint}/html403` });
    expect(forbidden).toMatchObject({
      name: "UnexpectedResponse",
      message: "The endpoint answered HTTP 403 (text/html), which is not an AWS answer",
    });
    expect(codeOf(forbidden)).toBe("forbidden");
    expect(awsErrorCode(await failureOf({ ...keys, "endpoint-override": `${xmlEndpoint}/html502` }))).toBeNull();
  });

  it("no region anywhere is invalid-config", async () => {
    const error = await failureOf({
      "access-key-id": "AKIATEST",
      "secret-key-id": "s",
      "endpoint-override": xmlEndpoint,
    });
    expect((error as Error).message).toMatch(/Region is missing/);
    expect(awsErrorCode(error)).toBe("invalid-config");
  });

  it("no keys and no credentials in the default chain is unauthenticated", async () => {
    const error = await failureOf({ region: "us-east-1", "endpoint-override": xmlEndpoint }, 2_500);
    expect(error).toMatchObject({ name: "CredentialsProviderError" });
    expect(awsErrorCode(error)).toBe("unauthenticated");
  });

  it.skipIf(emulatorsDisabled)("moto's answer for a missing secret is not-found", async () => {
    const client = awsClient(
      { ...keys, prefix: "kestra", "endpoint-override": emulatorEnv("KEYHOLD_AWS_ENDPOINT") } as AwsSection,
      2_000,
    );
    const error = await client
      .send(new GetSecretValueCommand({ SecretId: `missing-${Date.now()}` }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(awsErrorCode(error)).toBe("not-found");
  });
});
