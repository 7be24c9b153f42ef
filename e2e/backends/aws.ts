import { awsEnv, awsSeeder } from "../../tests/support/backends/aws";
import type { E2eBackend } from "./seeder";

/** moto, seeded and inspected through the AWS SDK as an AWS user would. */
export function awsBackend(): E2eBackend {
  return {
    label: "AWS Secrets Manager",
    radio: "AWS Secrets Manager",
    seeder: awsSeeder(),
    async configure(page) {
      const env = awsEnv();
      await page.getByLabel("Region").fill(env.region);
      await page.getByLabel("Endpoint override").fill(env.endpoint);
      await page.getByLabel("Access key id").fill(env.accessKeyId);
      await page.getByLabel("Secret access key").fill(env.secretAccessKey);
    },
  };
}
