import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Attachment } from "../../../lib/backends/adapter";
import { createAwsBackend } from "../../../lib/backends/aws/adapter";
import { parseConfigDocument } from "../../../lib/backends/document";
import { createEgressPolicy } from "../../../lib/net/egress";
import { awsEnv } from "../../support/backends/aws";
import { issuedKey, signer, startAwsForwarder, type AwsForwarder } from "../../support/backends/aws-forwarder";
import { emulatorsDisabled } from "../../support/emulators";
import { guardLoopback } from "../../support/backends/vault";

// Role sessions against moto's STS: every request goes through a recording forwarder on loopback, so the test sees
// what was sent to STS (external id, session name, token) and which key signed the Secrets Manager calls.

guardLoopback();

// 0: a port the system chooses (KEYHOLD_TEST_STS_PROXY_PORT pins one).
let PORT = Number(process.env.KEYHOLD_TEST_STS_PROXY_PORT ?? 0);
const ROLE = "arn:aws:iam::123456789012:role/keyhold-reader";
const ACME: Attachment = { tenant: "acme", namespace: null };

let proxy: AwsForwarder;
let dirs = "";
const savedDirs = process.env.KEYHOLD_TOKEN_FILE_DIRS;

const url = () => `http://127.0.0.1:${PORT}`;
const seen = () => proxy.seen;
const stsCalls = () => proxy.stsCalls();
const smCalls = () => proxy.smCalls();

function doc(section: Record<string, unknown>) {
  const parsed = parseConfigDocument(
    {
      type: "aws-secret-manager",
      "read-only": true,
      "aws-secret-manager": { region: awsEnv().region, "endpoint-override": url(), ...section },
    },
    { unknownKeys: "error" },
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.document;
}
const keys = () => ({ "access-key-id": "AKIDCONFIGURED01", "secret-key-id": "configured-secret" });
const dedicated = (section: Record<string, unknown>, attachment: Attachment = ACME) =>
  createAwsBackend({
    document: doc(section),
    attachment,
    egress: createEgressPolicy({ allow: [`127.0.0.1:${PORT}`] }),
  });

beforeAll(async () => {
  if (emulatorsDisabled) return;
  proxy = await startAwsForwarder(awsEnv().endpoint, PORT);
  PORT = proxy.port;
  dirs = mkdtempSync(path.join(tmpdir(), "kh-aws-tokens-"));
  mkdirSync(path.join(dirs, "acme"));
  mkdirSync(path.join(dirs, "globex"));
  writeFileSync(path.join(dirs, "acme", "aws-token"), "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhY21lIn0.c2lnbmF0dXJl\n");
  writeFileSync(path.join(dirs, "globex", "aws-token"), "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJnbG9iZXgifQ.c2ln\n");
});

beforeEach(() => {
  if (proxy) proxy.seen.length = 0;
  process.env.KEYHOLD_TOKEN_FILE_DIRS = `${dirs}/{tenant}`;
});

afterAll(async () => {
  if (savedDirs === undefined) delete process.env.KEYHOLD_TOKEN_FILE_DIRS;
  else process.env.KEYHOLD_TOKEN_FILE_DIRS = savedDirs;
  await proxy?.close();
  if (dirs) rmSync(dirs, { recursive: true, force: true });
});

describe.skipIf(emulatorsDisabled)("AWS role sessions (moto STS)", () => {
  it("assumes the role with the configured keys, the tenant id as external id, and signs Secrets Manager with the session", async () => {
    const backend = dedicated({
      ...keys(),
      "role-arn": ROLE,
      duration: 900,
      "sts-endpoint-override": url(),
    });
    expect((await backend.verify()).status).toBe("ok");
    const [sts] = stsCalls();
    expect(Object.fromEntries(sts.form)).toMatchObject({
      Action: "AssumeRole",
      RoleArn: ROLE,
      ExternalId: "acme",
      RoleSessionName: "keyhold-acme",
      DurationSeconds: "900",
    });
    expect(signer(sts)).toBe("AKIDCONFIGURED01");
    const session = issuedKey(sts);
    expect(session).toMatch(/^ASIA/);
    expect(smCalls().length).toBeGreaterThan(0);
    expect(smCalls().map(signer)).toEqual(smCalls().map(() => session));
  });

  it("sends a tenant's own external id that starts with its id, and the configured session name", async () => {
    const backend = dedicated({
      ...keys(),
      "role-arn": ROLE,
      "external-id": "acme:prod",
      "session-name": "keyhold-prod",
      "sts-endpoint-override": url(),
    });
    expect((await backend.verify()).status).toBe("ok");
    expect(Object.fromEntries(stsCalls()[0].form)).toMatchObject({
      ExternalId: "acme:prod",
      RoleSessionName: "keyhold-prod",
    });
  });

  it("refuses another tenant's external id before any request (the confused deputy)", async () => {
    for (const externalId of ["globex", "globex:prod", "acme-prod"]) {
      const error = await Promise.resolve()
        .then(() =>
          dedicated({ ...keys(), "role-arn": ROLE, "external-id": externalId, "sts-endpoint-override": url() }),
        )
        .then((b) => b.verify())
        .then(
          () => null,
          (e: unknown) => e as { code: string; message: string },
        );
      expect(error, externalId).toMatchObject({ code: "invalid-config" });
      expect(error?.message).toContain("acme");
    }
    expect(seen()).toEqual([]);
  });

  it("the configuration file's backend (no tenant) sends only the external id it names", async () => {
    const backend = createAwsBackend({
      document: doc({ ...keys(), "role-arn": ROLE, "sts-endpoint-override": url() }),
      attachment: { tenant: null, namespace: null },
    });
    expect((await backend.verify()).status).toBe("ok");
    expect(stsCalls()[0].form.has("ExternalId")).toBe(false);
    expect(stsCalls()[0].form.get("RoleSessionName")).toBe("keyhold-server");
  });

  it("assumes the role with a web identity token file from the tenant's directory, unsigned", async () => {
    const backend = dedicated({
      "role-arn": ROLE,
      "web-identity-token-file": path.join(dirs, "acme", "aws-token"),
      "sts-endpoint-override": url(),
    });
    expect((await backend.verify()).status).toBe("ok");
    const [sts] = stsCalls();
    expect(Object.fromEntries(sts.form)).toMatchObject({
      Action: "AssumeRoleWithWebIdentity",
      RoleArn: ROLE,
      WebIdentityToken: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhY21lIn0.c2lnbmF0dXJl",
      RoleSessionName: "keyhold-acme",
    });
    expect(sts.authorization).toBeUndefined();
    const session = issuedKey(sts);
    expect(session).toBeTruthy();
    expect(smCalls().map(signer)).toEqual(smCalls().map(() => session));
  });

  it("refuses another tenant's token file, sending nothing", async () => {
    const error = await dedicated({
      "role-arn": ROLE,
      "web-identity-token-file": path.join(dirs, "globex", "aws-token"),
      "sts-endpoint-override": url(),
    })
      .verify()
      .then(
        () => null,
        (e: unknown) => e as { code: string; message: string },
      );
    expect(error?.code).toBe("forbidden");
    expect(error?.message).not.toContain(dirs);
    expect(seen()).toEqual([]);
  });

  it("STS calls of a dedicated manager pass the egress policy: an STS endpoint it refuses is never reached", async () => {
    const backend = createAwsBackend({
      // Secrets Manager straight to moto (allowed), STS through the forwarder (not allowed).
      document: doc({
        ...keys(),
        "role-arn": ROLE,
        "sts-endpoint-override": url(),
        "endpoint-override": awsEnv().endpoint,
      }),
      attachment: ACME,
      egress: createEgressPolicy({ allow: [`127.0.0.1:${awsEnv().endpoint.split(":").pop()}`] }),
    });
    const error = await backend.verify().then(
      () => null,
      (e: unknown) => e as { code: string },
    );
    expect(error?.code).toBe("forbidden");
    expect(seen()).toEqual([]);
  });
});
