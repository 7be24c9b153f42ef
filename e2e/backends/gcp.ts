import { gcpSeeder, sdkClient } from "../../tests/support/backends/gcp";
import { emulatorEnv } from "../../tests/support/emulators";
import type { E2eBackend } from "./seeder";

/** The Secret Manager server on loopback, seeded like a GCP user would: labels where the rules allow, annotations for the rest. */
export function gcpBackend(): E2eBackend {
  const host = emulatorEnv("KEYHOLD_GCP_HOST");
  const port = Number(emulatorEnv("KEYHOLD_GCP_PORT"));
  const project = emulatorEnv("KEYHOLD_GCP_PROJECT_ID");
  return {
    label: "Google Secret Manager",
    radio: "Google Secret Manager",
    seeder: gcpSeeder(sdkClient(port, host), project),
    async configure(page) {
      await page.getByLabel("Project id").fill(project);
      await page.getByLabel("Endpoint override").fill(`http://${host}:${port}`);
      await page.getByRole("radio", { name: "Application default credentials" }).check();
    },
  };
}
