// Test kit: moto (the AWS Secrets Manager emulator), seeded and inspected through the AWS SDK as an AWS user would.
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  type Tag,
} from "@aws-sdk/client-secrets-manager";
import { emulatorEnv } from "../emulators";
import type { BackendSeeder } from "./seeder";

/** moto's settings, as scripts/emulators/start.sh exported them. */
export const awsEnv = () => ({
  endpoint: emulatorEnv("KEYHOLD_AWS_ENDPOINT"),
  region: emulatorEnv("KEYHOLD_AWS_REGION"),
  accessKeyId: emulatorEnv("KEYHOLD_AWS_ACCESS_KEY_ID"),
  secretAccessKey: emulatorEnv("KEYHOLD_AWS_SECRET_ACCESS_KEY"),
});

let direct: SecretsManagerClient | undefined;
/** A direct SDK client on moto (one per process). */
export const awsSdk = () =>
  (direct ??= new SecretsManagerClient({
    endpoint: awsEnv().endpoint,
    region: awsEnv().region,
    credentials: { accessKeyId: awsEnv().accessKeyId, secretAccessKey: awsEnv().secretAccessKey },
  }));

export function closeAwsSdk(): void {
  direct?.destroy();
  direct = undefined;
}

export const tagList = (tags: Record<string, string>): Tag[] =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

export const awsSeeder = (): BackendSeeder => ({
  async seed(name, value, tags = {}, description) {
    await awsSdk().send(
      new CreateSecretCommand({ Name: name, SecretString: value, Tags: tagList(tags), Description: description }),
    );
  },
  async inspect(name) {
    try {
      const described = await awsSdk().send(new DescribeSecretCommand({ SecretId: name }));
      if (described.DeletedDate) return null;
      const value = await awsSdk().send(new GetSecretValueCommand({ SecretId: name }));
      return {
        value: value.SecretString ?? "",
        tags: Object.fromEntries((described.Tags ?? []).map((t) => [t.Key!, t.Value ?? ""])),
        description: described.Description ?? null,
      };
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return null;
      throw error;
    }
  },
  async names() {
    const out: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await awsSdk().send(new ListSecretsCommand({ MaxResults: 100, NextToken }));
      out.push(...(page.SecretList ?? []).map((s) => s.Name!));
      NextToken = page.NextToken;
    } while (NextToken);
    return out.sort();
  },
  async clear() {
    const reset = await fetch(`${awsEnv().endpoint}/moto-api/reset`, { method: "POST" });
    if (!reset.ok) throw new Error(`moto reset failed: ${reset.status}`);
  },
});
