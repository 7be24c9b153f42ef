// Benchmark: Keyhold's adapter `scan` (what fills the secrets index) against the shortest direct SDK loop over the same data,
// on moto (AWS) and OpenBao (Vault). Prints medians and the ratio; the target is adapter <= 1.15x direct. For Vault KV v2
// the direct loop also asks each entry's subkeys, the metadata the scan needs (the bare LIST is printed too).
//   scripts/bench/list-secrets [--count 2000] [--runs 7] [--only aws|vault]
import { CreateSecretCommand, ListSecretsCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import nodeVault from "node-vault";
import { createBackend } from "../../lib/backends/registry";
import { mapLimit } from "../../lib/backends/page-budget";
import type { SecretsBackend } from "../../lib/backends/adapter";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const COUNT = arg("count", 2000);
const RUNS = arg("runs", 7);
const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through scripts/bench/list-secrets, which starts the emulators`);
  return v;
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

type Run = { ms: number; count: number };

/** Runs both loops alternately, so drift in the emulator (caches, GC) hits both alike. */
async function timeBoth(a: () => Promise<number>, b: () => Promise<number>): Promise<[Run[], Run[]]> {
  const ra: Run[] = [];
  const rb: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const [fn, out] of (i % 2
      ? [
          [b, rb],
          [a, ra],
        ]
      : [
          [a, ra],
          [b, rb],
        ]) as [() => Promise<number>, Run[]][]) {
      const t = performance.now();
      const count = await fn();
      out.push({ ms: performance.now() - t, count });
    }
  }
  return [ra, rb];
}

async function adapterListAll(backend: SecretsBackend, namespace: string | null): Promise<number> {
  // The whole scan, every page, as a refresh of the index runs it; the rows of this namespace are counted (null: a
  // read-only Vault prefix, whose entries belong to the scope the configuration is attached to).
  let n = 0;
  for await (const page of backend.scan()) n += page.filter((e) => e.key !== null && e.namespace === namespace).length;
  return n;
}

function report(name: string, adapter: Run[], direct: Run[]) {
  const a = median(adapter.map((r) => r.ms));
  const d = median(direct.map((r) => r.ms));
  console.log(
    `${name}: ${adapter[0].count} secrets, adapter list median ${a.toFixed(1)} ms, direct SDK loop median ${d.toFixed(1)} ms, ratio ${(a / d).toFixed(3)}x (runs: ${RUNS})`,
  );
  if (adapter.some((r) => r.count !== COUNT) || direct.some((r) => r.count < COUNT))
    console.log(`  warning: counts differ from ${COUNT}`);
}

async function aws() {
  const endpoint = env("KEYHOLD_AWS_ENDPOINT");
  const region = env("KEYHOLD_AWS_REGION");
  const credentials = {
    accessKeyId: env("KEYHOLD_AWS_ACCESS_KEY_ID"),
    secretAccessKey: env("KEYHOLD_AWS_SECRET_ACCESS_KEY"),
  };
  const client = new SecretsManagerClient({ endpoint, region, credentials });
  await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
  await mapLimit(
    Array.from({ length: COUNT }, (_, i) => i),
    16,
    (i) =>
      client.send(
        new CreateSecretCommand({
          Name: `bench/${i}`,
          SecretString: `v${i}`,
          Tags: [
            { Key: "namespace", Value: "bench" },
            { Key: "key", Value: `KEY_${i}` },
            { Key: "prefix", Value: "kestra" },
          ],
        }),
      ),
  );
  const backend = createBackend({
    document: {
      type: "aws-secret-manager",
      "read-only": true,
      "aws-secret-manager": {
        region,
        "endpoint-override": endpoint,
        "access-key-id": credentials.accessKeyId,
        "secret-key-id": credentials.secretAccessKey,
        prefix: "kestra",
      },
    },
    attachment: { tenant: "bench", namespace: null },
  });
  const direct = async () => {
    let token: string | undefined;
    let n = 0;
    do {
      // The same request the adapter makes (page size, planned deletions excluded), nothing else.
      const page = await client.send(
        new ListSecretsCommand({ MaxResults: 100, NextToken: token, IncludePlannedDeletion: false }),
      );
      n += page.SecretList?.length ?? 0;
      token = page.NextToken;
    } while (token);
    return n;
  };
  await direct();
  await adapterListAll(backend, "bench");
  report("aws-secret-manager (moto)", ...(await timeBoth(() => adapterListAll(backend, "bench"), direct)));
}

async function vault() {
  const address = env("KEYHOLD_VAULT_ADDR");
  const token = env("KEYHOLD_VAULT_TOKEN");
  const client = nodeVault({ endpoint: address, token, apiVersion: "v1" });
  await client.request({ path: "/secret/metadata/bench", method: "DELETE" }).catch(() => undefined);
  const existing = await client.list("secret/metadata/bench").then(
    (r: { data: { keys: string[] } }) => r.data.keys,
    () => [] as string[],
  );
  await mapLimit(existing, 16, (k: string) => client.delete(`secret/metadata/bench/${k}`));
  await mapLimit(
    Array.from({ length: COUNT }, (_, i) => i),
    16,
    (i) => client.write(`secret/data/bench/KEY_${i}`, { data: { value: `v${i}` } }),
  );
  const backend = createBackend({
    document: {
      type: "vault",
      "read-only": true,
      vault: { address, "root-engine": "secret", "secret-path-prefix": "bench", "engine-version": 2, token: { token } },
    },
    attachment: { tenant: "bench", namespace: "bench" },
  });
  const list = async () => ((await client.list("secret/metadata/bench")) as { data: { keys: string[] } }).data.keys;
  // What a script needing the same metadata writes: the LIST, then each entry's subkeys (field names, description,
  // tags, time; no value), as many in flight as the adapter (lib/backends/vault/adapter.ts, DETAIL_CONCURRENCY).
  const direct = async () => {
    const described = await mapLimit(await list(), 16, (k: string) =>
      client.read(`secret/subkeys/bench/${k}`).then((r: { data?: { subkeys?: object } }) => (r.data?.subkeys ? 1 : 0)),
    );
    return described.reduce((a: number, b: number) => a + b, 0);
  };
  await direct();
  await adapterListAll(backend, null);
  report("vault (OpenBao, kv v2)", ...(await timeBoth(() => adapterListAll(backend, null), direct)));
  const bare = (
    await timeBoth(
      async () => (await list()).length,
      async () => (await list()).length,
    )
  )[0];
  console.log(`  the bare LIST alone (names only, no metadata): median ${median(bare.map((r) => r.ms)).toFixed(1)} ms`);
}

const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : null;
if (!only || only === "aws") await aws();
if (!only || only === "vault") await vault();
process.exit(0);
