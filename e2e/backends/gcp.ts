import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { grpc } from "google-gax";
import type { BackendSeeder } from "./seeder";

const LABEL_SAFE = /^[a-z][a-z0-9_-]{0,62}$/;
const VALUE_SAFE = /^[a-z0-9_-]{0,63}$/;

/** The Secret Manager server on loopback, seeded like a GCP user would: annotations, and labels where the rules allow. */
export function gcpSeeder(): BackendSeeder {
  const host = process.env.KEYHOLD_GCP_HOST!;
  const port = Number(process.env.KEYHOLD_GCP_PORT!);
  const project = process.env.KEYHOLD_GCP_PROJECT_ID!;
  const client = new SecretManagerServiceClient({ apiEndpoint: host, port, sslCreds: grpc.credentials.createInsecure(), universeDomain: "googleapis.com" });
  const parent = `projects/${project}`;
  const all = async () => (await client.listSecrets({ parent, pageSize: 1000 }, { autoPaginate: true }))[0];
  const tagsOf = (s: { labels?: Record<string, string> | null; annotations?: Record<string, string> | null }) => {
    const merged: Record<string, string> = { ...(s.labels ?? {}), ...(s.annotations ?? {}) };
    delete merged["keyhold-description"];
    return merged;
  };
  return {
    label: "Google Secret Manager",
    radio: "Google Secret Manager",
    async reset() {
      for (const s of await all()) await client.deleteSecret({ name: s.name! });
    },
    async seed(name, value, tags, description) {
      const id = name.replace(/[^A-Za-z0-9_-]/g, "-");
      const labels = Object.fromEntries(Object.entries(tags).filter(([k, v]) => LABEL_SAFE.test(k) && VALUE_SAFE.test(v)));
      const annotations = { ...tags, ...(description ? { "keyhold-description": description } : {}) };
      await client.createSecret({ parent, secretId: id, secret: { replication: { automatic: {} }, labels, annotations } });
      await client.addSecretVersion({ parent: `${parent}/secrets/${id}`, payload: { data: Buffer.from(value) } });
    },
    async find(tags) {
      const match = (await all()).find((s) => Object.entries(tags).every(([k, v]) => tagsOf(s)[k] === v));
      if (!match) return null;
      const [version] = await client.accessSecretVersion({ name: `${match.name}/versions/latest` });
      return { value: Buffer.from(version.payload!.data as Uint8Array).toString(), description: match.annotations?.["keyhold-description"] ?? null, tags: tagsOf(match) };
    },
    async configure(page) {
      await page.getByLabel("Project id").fill(project);
      await page.getByLabel("Endpoint override").fill(`http://${host}:${port}`);
      await page.getByRole("radio", { name: "Application default credentials" }).check();
    },
  };
}
