import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, ListSecretsCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { BackendSeeder } from "./seeder";

/** moto, seeded and inspected through the AWS SDK as an AWS user would. */
export function awsSeeder(): BackendSeeder {
  const env = (n: string) => process.env[n]!;
  const client = new SecretsManagerClient({
    endpoint: env("KEYHOLD_AWS_ENDPOINT"),
    region: env("KEYHOLD_AWS_REGION"),
    credentials: { accessKeyId: env("KEYHOLD_AWS_ACCESS_KEY_ID"), secretAccessKey: env("KEYHOLD_AWS_SECRET_ACCESS_KEY") },
  });
  const all = async () => {
    const out: { name: string; tags: Record<string, string>; description: string | null }[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListSecretsCommand({ NextToken: token, MaxResults: 100 }));
      for (const s of page.SecretList ?? []) out.push({ name: s.Name!, tags: Object.fromEntries((s.Tags ?? []).map((t) => [t.Key!, t.Value!])), description: s.Description ?? null });
      token = page.NextToken;
    } while (token);
    return out;
  };
  return {
    label: "AWS Secrets Manager",
    radio: "AWS Secrets Manager",
    async reset() {
      await fetch(`${env("KEYHOLD_AWS_ENDPOINT")}/moto-api/reset`, { method: "POST" });
    },
    async seed(name, value, tags, description) {
      await client.send(new CreateSecretCommand({ Name: name, SecretString: value, Description: description, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
    },
    async find(tags) {
      const match = (await all()).find((s) => Object.entries(tags).every(([k, v]) => s.tags[k] === v));
      if (!match) return null;
      const value = await client.send(new GetSecretValueCommand({ SecretId: match.name }));
      const described = await client.send(new DescribeSecretCommand({ SecretId: match.name }));
      return { value: value.SecretString ?? "", description: described.Description ?? null, tags: match.tags };
    },
    async configure(page) {
      await page.getByLabel("Region").fill(env("KEYHOLD_AWS_REGION"));
      await page.getByLabel("Endpoint override").fill(env("KEYHOLD_AWS_ENDPOINT"));
      await page.getByLabel("Access key id").fill(env("KEYHOLD_AWS_ACCESS_KEY_ID"));
      await page.getByLabel("Secret access key").fill(env("KEYHOLD_AWS_SECRET_ACCESS_KEY"));
    },
  };
}
