import { describe, expect, it } from "vitest";
import { classify, isValidSecretKey } from "../../../lib/backends/classify";
import { prepareTenantFile } from "../../../lib/config-as-code/plan";
import { DEMO_BACKENDS, demoDataSet, demoNamespaces, demoTenantYaml } from "../../../scripts/demo/data-set";

const set = demoDataSet();

describe("the demo's data set", () => {
  it("holds a few hundred secrets across the four backends, some skipped on purpose", () => {
    const total = DEMO_BACKENDS.reduce(
      (n, b) => n + set[b].readOnly.length + set[b].writable.length + set[b].ignored.length,
      0,
    );
    expect(total).toBeGreaterThanOrEqual(250);
    for (const b of DEMO_BACKENDS) {
      expect(set[b].readOnly.length).toBeGreaterThan(0);
      expect(set[b].writable.length).toBeGreaterThan(0);
      expect(set[b].ignored.length).toBeGreaterThan(0);
      const names = [...set[b].readOnly, ...set[b].writable, ...set[b].ignored].map((s) => s.name);
      expect(new Set(names).size).toBe(names.length);
    }
    expect(demoNamespaces().map((n) => [n.namespace, n.readOnly])).toEqual([
      ["aws-prod", true],
      ["aws-dev", false],
      ["azure-prod", true],
      ["azure-dev", false],
      ["gcp-prod", true],
      ["gcp-dev", false],
      ["vault-prod", true],
      ["vault-dev", false],
    ]);
  });

  it.each(["aws", "azure", "gcp"] as const)(
    "%s: Keyhold's own selection rules show each namespace its secrets and skip the others",
    (b) => {
      const rules = (namespace: string) => ({ prefix: "kestra", attachment: { tenant: "demo", namespace } });
      const raw = (s: { name: string; tags: Record<string, string> }) => ({ ...s, description: null, updatedAt: null });
      for (const [list, ns] of [
        [set[b].readOnly, set[b].readOnlyNamespace],
        [set[b].writable, set[b].writableNamespace],
      ] as const)
        for (const s of list) expect(classify(raw(s), rules(ns))).toMatchObject({ ok: true, namespace: ns });
      const reasons = set[b].ignored.map((s) => {
        const c = classify(raw(s), rules(set[b].readOnlyNamespace));
        return c.ok ? "shown" : c.reason;
      });
      expect(new Set(reasons)).toEqual(
        new Set(["missing-prefix-tag", "prefix-mismatch", "other-tenant", "invalid-key"]),
      );
    },
  );

  it("vault: valid keys under app1 (read-only) and app2/demo/<namespace> (managed), invalid ones skipped", () => {
    for (const s of set.vault.readOnly) expect(isValidSecretKey(s.name.replace(/^app1\//, ""))).toBe(true);
    for (const s of set.vault.writable) expect(s.name).toMatch(/^app2\/demo\/vault-dev\/[A-Z_]+$/);
    for (const s of set.vault.ignored) expect(isValidSecretKey(s.name.split("/").pop()!)).toBe(false);
  });

  it("the demo tenant's file passes keyhold apply's checks, with credentials only as references", () => {
    const yaml = demoTenantYaml({
      awsEndpoint: "http://127.0.0.1:25566",
      awsRegion: "us-east-1",
      awsAccessKeyId: "testing",
      azureVaultUrl: "https://127.0.0.1:25443",
      azureTenantId: "00000000-0000-0000-0000-000000000001",
      azureCaPem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
      gcpEndpoint: "http://127.0.0.1:25085",
      gcpProject: "keyhold-test",
      vaultAddr: "http://127.0.0.1:25200",
    });
    const env = { DEMO_AWS_SECRET_KEY: "a", DEMO_AZURE_CLIENT_SECRET: "b", DEMO_VAULT_TOKEN: "c" };
    const { file, desired } = prepareTenantFile(yaml, "demo-tenant.yaml", env, { instanceAdmin: true });
    expect(file.namespaces).toEqual([
      "aws-dev",
      "aws-prod",
      "azure-dev",
      "azure-prod",
      "company",
      "gcp-dev",
      "gcp-prod",
      "vault-dev",
      "vault-prod",
    ]);
    for (const n of demoNamespaces()) {
      expect(desired.get(n.namespace)).toMatchObject({ "read-only": n.readOnly });
    }
    expect(() => prepareTenantFile(yaml, "demo-tenant.yaml", {}, { instanceAdmin: true })).toThrow(
      /DEMO_AWS_SECRET_KEY is not set/,
    );
  });
});
