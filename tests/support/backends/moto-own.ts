// Test kit: a moto_server of the test's own, on a free loopback port, for a suite whose data must not meet the shared
// moto's (tests/backends/aws/aws.emulator.test.ts resets that one between its tests). Same binary as start.sh's.
import { execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CreateSecretCommand, SecretsManagerClient, type Tag } from "@aws-sdk/client-secrets-manager";
import { mapLimit } from "../../../lib/backends/page-budget";
import { freePort } from "./aws-iam-server";

const LIB_SH = fileURLToPath(new URL("../../../scripts/emulators/lib.sh", import.meta.url));

export interface OwnMoto {
  endpoint: string;
  /** The moto_server process (benchmarks read its CPU time). */
  pid: number;
  client: SecretsManagerClient;
  stop(): Promise<void>;
}

export async function startOwnMoto(): Promise<OwnMoto> {
  const bin = execFileSync("bash", ["-c", `. "${LIB_SH}" && kh_moto_bin`], { encoding: "utf8" }).trim();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(bin, ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}`);
    const ok = await fetch(`${endpoint}/moto-api/data.json`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error("moto_server did not answer within 30 s");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const client = new SecretsManagerClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    maxAttempts: 1,
  });
  return {
    endpoint,
    pid: child.pid!,
    client,
    stop: async () => {
      client.destroy();
      await stop();
    },
  };
}

/**
 * Creates `count` secrets, `concurrency` in flight; a call moto answers with a server error (two calls racing in one
 * moto: an HTML page) is tried again, up to 30 times with a pause. A name that exists already counts as created.
 */
export async function seedMany(
  client: SecretsManagerClient,
  count: number,
  secret: (i: number) => { name: string; tags: Tag[] },
  concurrency = 8,
): Promise<void> {
  await mapLimit(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    async (i) => {
      const { name, tags } = secret(i);
      for (let attempt = 1; ; attempt++) {
        try {
          await client.send(new CreateSecretCommand({ Name: name, SecretString: "s", Tags: tags }));
          return;
        } catch (e) {
          const error = e as Error & { $metadata?: { httpStatusCode?: number } };
          if (error.name === "ResourceExistsException") return;
          const status = error.$metadata?.httpStatusCode;
          if ((status !== undefined && status < 500) || attempt >= 30) throw error;
          // With jitter, so the calls that raced do not meet again.
          await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt) * (0.5 + Math.random())));
        }
      }
    },
  );
}
