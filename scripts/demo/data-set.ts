// The demo's data set (`npm run demo`): a few hundred secrets across the four backends, tagged and laid out as Kestra's
// documentation shows (tags namespace/key/prefix, Vault paths under a secret-path-prefix), some skipped on purpose.
// Pure and deterministic, so the e2e check knows what each namespace lists.

export type DemoBackend = "aws" | "azure" | "gcp" | "vault";
export const DEMO_BACKENDS: DemoBackend[] = ["aws", "azure", "gcp", "vault"];
export const DEMO_TENANT = "demo";

/** One secret as a cloud user would create it: a backend name (Vault: a path under the engine), a value, tags. */
export interface DemoSecret {
  name: string;
  value: string;
  tags: Record<string, string>;
  description?: string;
}

export interface DemoBackendSet {
  /** The read-only namespace and the writable one configured against this backend. */
  readOnlyNamespace: string;
  writableNamespace: string;
  readOnly: DemoSecret[];
  writable: DemoSecret[];
  /** Seeded but skipped by the namespaces' rules (no prefix tag, another prefix or tenant, an invalid key). */
  ignored: DemoSecret[];
}

const SERVICES = [
  "orders",
  "billing",
  "payments",
  "search",
  "inventory",
  "auth",
  "notifications",
  "reports",
  "crm",
  "etl",
];
const KINDS = ["DB_PASSWORD", "API_KEY", "SMTP_PASSWORD", "WEBHOOK_SECRET", "OAUTH_CLIENT_SECRET", "SIGNING_KEY"];

const title = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const words = (kind: string) => kind.toLowerCase().replace(/_/g, " ");
/** A value that looks like a credential and is the same on every run (a demo, never a real secret). */
const fakeValue = (seed: string) => {
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return `demo-${h.toString(36)}-${(h ^ 0x5bd1e995).toString(36)}`;
};

function tagged(backend: DemoBackend, env: "prod" | "dev", count: number, extra: Record<string, string>): DemoSecret[] {
  const out: DemoSecret[] = [];
  for (const service of SERVICES)
    for (const kind of KINDS) {
      if (out.length === count) return out;
      const key = `${service.toUpperCase()}_${kind}`;
      out.push({
        name: `${env}/${service}/${kind.toLowerCase().replace(/_/g, "-")}`,
        value: fakeValue(`${backend}:${env}:${key}`),
        tags: { namespace: `${backend}-${env}`, key, prefix: "kestra", team: service, env, ...extra },
        description: `${title(service)} ${words(kind)} (${env})`,
      });
    }
  return out;
}

function taggedIgnored(backend: DemoBackend): DemoSecret[] {
  const ns = `${backend}-prod`;
  const skipped: DemoSecret[] = [
    { name: "legacy/ftp-password", value: fakeValue("ftp"), tags: { owner: "it-ops" } },
    { name: "legacy/ldap-bind", value: fakeValue("ldap"), tags: { owner: "it-ops", namespace: ns, key: "LDAP_BIND" } },
    { name: "terraform/state-key", value: fakeValue("tf"), tags: {} },
    { name: "airflow/conn-db", value: fakeValue("af1"), tags: { prefix: "airflow", namespace: ns, key: "CONN_DB" } },
    { name: "airflow/conn-s3", value: fakeValue("af2"), tags: { prefix: "airflow", namespace: ns, key: "CONN_S3" } },
    {
      name: "acme/db",
      value: fakeValue("acme1"),
      tags: { prefix: "kestra", tenant: "acme", namespace: ns, key: "DB" },
    },
    {
      name: "acme/api",
      value: fakeValue("acme2"),
      tags: { prefix: "kestra", tenant: "acme", namespace: ns, key: "API" },
    },
    { name: "bad/key", value: fakeValue("bad"), tags: { prefix: "kestra", namespace: ns, key: "not a valid key!" } },
  ];
  return skipped.map((s) => ({ ...s, description: "skipped by the demo's rules on purpose" }));
}

/** Vault: read-only under `app1/<service>/<secret>` (subkeys as in the docs), managed under `app2/<tenant>/<namespace>/<KEY>`. */
function vaultSet(): DemoBackendSet {
  const readOnly: DemoSecret[] = [];
  for (const service of SERVICES)
    for (const [name, fields] of [
      ["db", ["DATABASE_USERNAME", "DATABASE_PASSWORD"]],
      ["api", ["keys", "API_TOKEN"]],
      ["smtp", ["SMTP_USER", "SMTP_PASSWORD"]],
      ["config", ["LOG_LEVEL", "FEATURE_FLAGS"]],
    ] as const)
      readOnly.push({
        name: `app1/${service}/${name}`,
        value: JSON.stringify(Object.fromEntries(fields.map((f) => [f, fakeValue(`vault:${service}:${name}:${f}`)]))),
        tags: {},
      });
  const writable = tagged("vault", "dev", 20, {}).map((s) => ({
    ...s,
    name: `app2/${DEMO_TENANT}/vault-dev/${s.tags.key}`,
    tags: {},
  }));
  const ignored = [
    { name: "app1/bad key!", value: JSON.stringify({ x: fakeValue("v1") }), tags: {} },
    { name: "app1/legacy/spaced name", value: JSON.stringify({ x: fakeValue("v2") }), tags: {} },
    { name: `app2/${DEMO_TENANT}/vault-dev/not valid!`, value: JSON.stringify({ value: fakeValue("v3") }), tags: {} },
  ];
  return { readOnlyNamespace: "vault-prod", writableNamespace: "vault-dev", readOnly, writable, ignored };
}

export function demoDataSet(): Record<DemoBackend, DemoBackendSet> {
  const cloud = (backend: DemoBackend, readOnly: number, writable: number): DemoBackendSet => ({
    readOnlyNamespace: `${backend}-prod`,
    writableNamespace: `${backend}-dev`,
    readOnly: tagged(backend, "prod", readOnly, {}),
    // Secrets the console manages carry the tenant tag, as Keyhold writes them.
    writable: tagged(backend, "dev", writable, { tenant: DEMO_TENANT }),
    ignored: taggedIgnored(backend),
  });
  return { aws: cloud("aws", 60, 30), azure: cloud("azure", 40, 20), gcp: cloud("gcp", 40, 20), vault: vaultSet() };
}

/** Every namespace of the demo tenant, with its backend and mode. */
export function demoNamespaces(): { namespace: string; backend: DemoBackend; readOnly: boolean; expected: number }[] {
  const set = demoDataSet();
  return DEMO_BACKENDS.flatMap((b) => [
    { namespace: set[b].readOnlyNamespace, backend: b, readOnly: true, expected: set[b].readOnly.length },
    { namespace: set[b].writableNamespace, backend: b, readOnly: false, expected: set[b].writable.length },
  ]);
}

/** The emulators' settings the tenant file needs (scripts/emulators/start.sh's env file). */
export interface DemoEmulators {
  awsEndpoint: string;
  awsRegion: string;
  awsAccessKeyId: string;
  azureVaultUrl: string;
  azureTenantId: string;
  azureCaPem: string;
  gcpEndpoint: string;
  gcpProject: string;
  vaultAddr: string;
}

/** The demo tenant as a configuration-as-code file (`keyhold apply`), credentials as ${DEMO_…} references. */
export function demoTenantYaml(e: DemoEmulators): string {
  const pem = e.azureCaPem
    .trim()
    .split("\n")
    .map((l) => `              ${l}`)
    .join("\n");
  const aws = (readOnly: boolean) => `        type: aws-secret-manager
        read-only: ${readOnly}
        aws-secret-manager:
          region: ${e.awsRegion}
          endpoint-override: ${e.awsEndpoint}
          access-key-id: ${e.awsAccessKeyId}
          secret-key-id: \${DEMO_AWS_SECRET_KEY}`;
  const azure = (readOnly: boolean) => `        type: azure-key-vault
        read-only: ${readOnly}
        azure-key-vault:
          key-vault-uri: ${e.azureVaultUrl}
          authority-host: ${e.azureVaultUrl}
          disable-challenge-resource-verification: true
          ca-certificate: |
${pem}
          clientSecret:
            tenantId: ${e.azureTenantId}
            clientId: keyhold-demo-app
            clientSecret: \${DEMO_AZURE_CLIENT_SECRET}`;
  const gcp = (readOnly: boolean) => `        type: google-secret-manager
        read-only: ${readOnly}
        google-secret-manager:
          project: ${e.gcpProject}
          endpoint-override: ${e.gcpEndpoint}`;
  const vault = (readOnly: boolean) => `        type: vault
        read-only: ${readOnly}
        vault:
          address: ${e.vaultAddr}
          root-engine: secret
          secret-path-prefix: ${readOnly ? "app1" : "app2"}
          token:
            token: \${DEMO_VAULT_TOKEN}`;
  const ns = (name: string, body: string) => `  ${name}:\n    kestra:\n      secret:\n${body}\n`;
  return `# The demo tenant (npm run demo), applied with Keyhold's configuration as code: keyhold apply -f <this file> --yes
keyhold:
  tenant: ${DEMO_TENANT}
  display-name: Demo Corp
namespaces:
  company: {}
${ns("aws-prod", aws(true))}${ns("aws-dev", aws(false))}${ns("azure-prod", azure(true))}${ns("azure-dev", azure(false))}${ns("gcp-prod", gcp(true))}${ns("gcp-dev", gcp(false))}${ns("vault-prod", vault(true))}${ns("vault-dev", vault(false))}`;
}
