import { generateKeyPairSync } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Attachment } from "../../../lib/backends/adapter";
import { parseConfigDocument } from "../../../lib/backends/document";
import { connect } from "../../../lib/backends/gcp/client";
import { createGcpBackend } from "../../../lib/backends/gcp/adapter";
import type { GcpSection } from "../../../lib/backends/gcp/config";
import { createEgressPolicy } from "../../../lib/net/egress";
import { emulatorEnv, emulatorsDisabled } from "../../support/emulators";
import { guardLoopback } from "../../support/backends/vault";

// Service-account impersonation against the Google fake's IAM Credentials endpoint (generateAccessToken) on loopback:
// the configured key signs its own JWT, asks for the target's token (through delegates), and nothing else is contacted
// (the loopback guard fails the file if oauth2.googleapis.com or a metadata server is tried).

guardLoopback();

const SOURCE = "keyhold-source@keyhold-test.iam.gserviceaccount.com";
const DELEGATE = "keyhold-delegate@keyhold-test.iam.gserviceaccount.com";
const TARGET = "keyhold-reader@keyhold-test.iam.gserviceaccount.com";
const CHAINED = "keyhold-chained@keyhold-test.iam.gserviceaccount.com";
const NOT_GRANTED = "keyhold-locked@keyhold-test.iam.gserviceaccount.com";
const ACME: Attachment = { tenant: "acme", namespace: null };

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const key = JSON.stringify({
  type: "service_account",
  project_id: "keyhold-test",
  private_key_id: "kh-test-key-1",
  private_key: privateKey.export({ type: "pkcs8", format: "pem" }),
  client_email: SOURCE,
});

interface IamCall {
  caller: string;
  target: string;
  delegates: string[] | null;
  scope: string[];
  lifetime: string;
  status: number;
}
const iam = () => emulatorEnv("KEYHOLD_GCP_IAM_ENDPOINT");
async function calls(target: string): Promise<IamCall[]> {
  const answer = (await (await fetch(`${iam()}/_keyhold/iam-calls`)).json()) as { calls: IamCall[] | null };
  return (answer.calls ?? []).filter((c) => c.target === target);
}
const grant = (target: string, members: string[]) =>
  fetch(`${iam()}/_keyhold/token-creators/${target}`, { method: "PUT", body: JSON.stringify({ members }) });

function doc(section: Record<string, unknown>) {
  const parsed = parseConfigDocument(
    {
      type: "google-secret-manager",
      "read-only": true,
      "google-secret-manager": {
        project: emulatorEnv("KEYHOLD_GCP_PROJECT_ID"),
        "endpoint-override": `http://${emulatorEnv("KEYHOLD_GCP_ENDPOINT")}`,
        "service-account": key,
        "iam-endpoint-override": iam(),
        ...section,
      },
    },
    { unknownKeys: "error" },
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.document;
}

beforeAll(async () => {
  if (emulatorsDisabled) return;
  // Once one grant exists the fake enforces them all: every link of every chain below is decided here.
  await grant(TARGET, [SOURCE]);
  await grant(DELEGATE, [SOURCE]);
  await grant(CHAINED, [DELEGATE]);
  await grant(NOT_GRANTED, ["someone-else@keyhold-test.iam.gserviceaccount.com"]);
});

describe.skipIf(emulatorsDisabled)("Google service-account impersonation (IAM Credentials on loopback)", () => {
  it("the key asks generateAccessToken for the target's token, signed by itself, with the cloud-platform scope", async () => {
    const before = (await calls(TARGET)).length;
    const section = doc({ "impersonate-service-account": TARGET })["google-secret-manager"] as GcpSection;
    const token = await connect(section).auth.getAccessToken();
    expect(token).toMatch(new RegExp(`^ya29\\.keyhold-fake\\.${Buffer.from(TARGET).toString("base64url")}\\.`));
    const [call] = (await calls(TARGET)).slice(before);
    expect(call).toMatchObject({
      caller: SOURCE,
      target: TARGET,
      scope: ["https://www.googleapis.com/auth/cloud-platform"],
      lifetime: "3600s",
      status: 200,
    });
  });

  it("verify impersonates through the delegates in order", async () => {
    const backend = createGcpBackend({
      document: doc({ "impersonate-service-account": CHAINED, delegates: [DELEGATE] }),
      attachment: ACME,
      egress: createEgressPolicy({
        allow: [`${emulatorEnv("KEYHOLD_GCP_ENDPOINT")}`, `127.0.0.1:${new URL(iam()).port}`],
      }),
    });
    expect((await backend.verify()).status).toBe("ok");
    expect((await calls(CHAINED)).at(-1)).toMatchObject({ caller: SOURCE, delegates: [DELEGATE], status: 200 });
  });

  it("a target the key may not impersonate is refused as forbidden, naming it", async () => {
    const backend = createGcpBackend({
      document: doc({ "impersonate-service-account": NOT_GRANTED }),
      attachment: { tenant: null, namespace: null },
    });
    const error = await backend.verify().then(
      () => null,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error).toMatchObject({ code: "forbidden" });
    expect(error?.message).toContain(NOT_GRANTED);
    expect(error?.message).not.toContain("BEGIN PRIVATE KEY");
  });

  it("the IAM Credentials endpoint of a dedicated manager passes the egress policy", async () => {
    const before = (await calls(TARGET)).length;
    const backend = createGcpBackend({
      document: doc({ "impersonate-service-account": TARGET }),
      attachment: ACME,
      egress: createEgressPolicy({ allow: [`${emulatorEnv("KEYHOLD_GCP_ENDPOINT")}`] }),
    });
    const error = await backend.verify().then(
      () => null,
      (e: unknown) => e as { code: string },
    );
    expect(error?.code).toBe("forbidden");
    expect((await calls(TARGET)).length).toBe(before);
  });
});
