// Test-only: a second moto_server on its own loopback port with IAM checks switched on, for the
// credential cases the shared moto (which accepts any key) cannot show. moto checks SigV4 signatures
// and IAM policies once `POST /moto-api/reset-auth` sets INITIAL_NO_AUTH_ACTION_COUNT to 0; users,
// keys, the role and its session are created just before, while it still accepts anything.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";

export interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface MotoIam {
  endpoint: string;
  /** Allowed secretsmanager:ListSecrets. */
  reader: Keys;
  /** A user with no policy at all. */
  nobody: Keys;
  /** A role session (ASIA… key + session token) allowed secretsmanager:ListSecrets. */
  session: Keys;
  stop(): Promise<void>;
}

const ACCOUNT = "123456789012";
const LIB_SH = fileURLToPath(new URL("../../../scripts/emulators/lib.sh", import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** Where start.sh installed moto (same cache and version rules). */
function motoServerBin(): string {
  return execFileSync("bash", ["-c", `. "${LIB_SH}" && kh_moto_bin`], { encoding: "utf8" }).trim();
}

async function waitReady(endpoint: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}`);
    const ok = await fetch(`${endpoint}/moto-api/data.json`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("second moto_server did not answer within 30 s");
}

/** A query-protocol call (IAM, STS) while auth is still off: moto reads the service from the credential scope only. */
async function query(endpoint: string, service: "iam" | "sts", params: Record<string, string>): Promise<string> {
  const version = service === "iam" ? "2010-05-08" : "2011-06-15";
  const response = await fetch(`${endpoint}/`, {
    method: "POST",
    body: new URLSearchParams({ Version: version, ...params }).toString(),
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `AWS4-HMAC-SHA256 Credential=setup/20250101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=unchecked`,
    },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${service} ${params.Action} failed: ${response.status} ${text.slice(0, 300)}`);
  return text;
}

const field = (xml: string, name: string) => {
  const value = new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1];
  if (!value) throw new Error(`no ${name} in ${xml.slice(0, 200)}`);
  return value;
};

const allowList = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: ["secretsmanager:ListSecrets"], Resource: "*" }],
});

async function userWithKey(endpoint: string, user: string, policy?: string): Promise<Keys> {
  await query(endpoint, "iam", { Action: "CreateUser", UserName: user });
  if (policy)
    await query(endpoint, "iam", {
      Action: "PutUserPolicy",
      UserName: user,
      PolicyName: "keyhold",
      PolicyDocument: policy,
    });
  const key = await query(endpoint, "iam", { Action: "CreateAccessKey", UserName: user });
  return { accessKeyId: field(key, "AccessKeyId"), secretAccessKey: field(key, "SecretAccessKey") };
}

export async function startMotoIam(): Promise<MotoIam> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(motoServerBin(), ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  };
  try {
    await waitReady(endpoint, child);
    const reader = await userWithKey(endpoint, "keyhold-reader", allowList);
    const nobody = await userWithKey(endpoint, "keyhold-nobody");
    const trust = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" }],
    });
    await query(endpoint, "iam", { Action: "CreateRole", RoleName: "keyhold-role", AssumeRolePolicyDocument: trust });
    await query(endpoint, "iam", {
      Action: "PutRolePolicy",
      RoleName: "keyhold-role",
      PolicyName: "keyhold",
      PolicyDocument: allowList,
    });
    const assumed = await query(endpoint, "sts", {
      Action: "AssumeRole",
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/keyhold-role`,
      RoleSessionName: "keyhold",
    });
    const session = {
      accessKeyId: field(assumed, "AccessKeyId"),
      secretAccessKey: field(assumed, "SecretAccessKey"),
      sessionToken: field(assumed, "SessionToken"),
    };
    // moto reads the body as text; a form content type would hide it.
    const auth = await fetch(`${endpoint}/moto-api/reset-auth`, {
      method: "POST",
      body: "0",
      headers: { "content-type": "text/plain" },
    });
    if (!auth.ok) throw new Error(`reset-auth failed: ${auth.status}`);
    return { endpoint, reader, nobody, session, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
