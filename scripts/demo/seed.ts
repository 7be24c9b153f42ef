// Seeds the demo's emulators through each cloud's own SDK, as a user of that cloud would (the test kit's seeders).
import { awsSeeder } from "../../tests/support/backends/aws";
import { azureSeeder } from "../../tests/support/backends/azure";
import { gcpSeeder, sdkClient } from "../../tests/support/backends/gcp";
import { seed as vaultSeed } from "../../tests/support/backends/vault";
import { emulatorEnv } from "../../tests/support/emulators";
import type { BackendSeeder } from "../../tests/support/backends/seeder";
import { demoDataSet, type DemoBackend, type DemoSecret } from "./data-set";

async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** Seeds every backend; returns the number of secrets written per backend. */
export async function seedDemo(): Promise<Record<DemoBackend, number>> {
  const set = demoDataSet();
  const all = (b: DemoBackend): DemoSecret[] => [...set[b].readOnly, ...set[b].writable, ...set[b].ignored];
  const tagged: [DemoBackend, BackendSeeder][] = [
    ["aws", awsSeeder()],
    ["azure", azureSeeder()],
    [
      "gcp",
      gcpSeeder(
        sdkClient(Number(emulatorEnv("KEYHOLD_GCP_PORT")), emulatorEnv("KEYHOLD_GCP_HOST")),
        emulatorEnv("KEYHOLD_GCP_PROJECT_ID"),
      ),
    ],
  ];
  const counts = { aws: 0, azure: 0, gcp: 0, vault: 0 };
  await Promise.all([
    ...tagged.map(async ([b, seeder]) => {
      await seeder.clear();
      // The first request alone: the Key Vault SDK learns the vault's auth challenge on it, and concurrent first
      // requests would each send the challenge's body-less probe.
      const [first, ...rest] = all(b);
      await seeder.seed(first.name, first.value, first.tags, first.description);
      counts[b]++;
      await eachLimit(rest, 8, async (s) => {
        await seeder.seed(s.name, s.value, s.tags, s.description);
        counts[b]++;
      });
    }),
    eachLimit(all("vault"), 8, async (s) => {
      const fields = s.name.startsWith("app2/") ? { value: s.value } : (JSON.parse(s.value) as Record<string, unknown>);
      await vaultSeed({ name: "demo", mount: "secret", version: 2 }, s.name, fields);
      counts.vault++;
    }),
  ]);
  return counts;
}
