import { describe, expect, it } from "vitest";
import { describeSource, resolveEffectiveBackend, type ConfigCandidate } from "../../lib/secrets/effective-backend";

const cfg = (namespace: string | null, over: Partial<ConfigCandidate> = {}): ConfigCandidate => ({
  id: `id-${namespace ?? "tenant"}`,
  namespace,
  type: "vault",
  readOnly: false,
  enabled: true,
  ...over,
});

describe("effective backend", () => {
  it("falls back to the builtin store when nothing is configured", () => {
    const r = resolveEffectiveBackend("acme", "company.team", [], null);
    expect(r).toEqual({ type: "builtin", readOnly: false, configId: null, source: { kind: "builtin" } });
  });

  it("prefers the configuration file over builtin, the tenant over the file", () => {
    const global = { file: "/etc/keyhold.yaml", type: "aws-secret-manager" as const, readOnly: true };
    expect(resolveEffectiveBackend("acme", "company", [], global).source).toEqual({
      kind: "file",
      file: "/etc/keyhold.yaml",
    });
    const t = resolveEffectiveBackend("acme", "company", [cfg(null, { type: "azure-key-vault" })], global);
    expect(t).toMatchObject({ type: "azure-key-vault", source: { kind: "tenant", tenant: "acme" } });
  });

  it("takes the nearest ancestor's dedicated manager", () => {
    const configs = [
      cfg(null, { type: "aws-secret-manager" }),
      cfg("company", { readOnly: true }),
      cfg("company.team.etl", { type: "google-secret-manager" }),
    ];
    expect(resolveEffectiveBackend("acme", "company.team", configs, null)).toMatchObject({
      type: "vault",
      readOnly: true,
      configId: "id-company",
      source: { kind: "namespace", namespace: "company", own: false },
    });
    expect(resolveEffectiveBackend("acme", "company.team.etl", configs, null).source).toEqual({
      kind: "namespace",
      namespace: "company.team.etl",
      own: true,
    });
    expect(resolveEffectiveBackend("acme", "other", configs, null).type).toBe("aws-secret-manager");
    expect(resolveEffectiveBackend("acme", null, configs, null).source).toEqual({ kind: "tenant", tenant: "acme" });
  });

  it("skips disabled configurations", () => {
    const configs = [cfg("company", { enabled: false }), cfg(null, { type: "aws-secret-manager" })];
    expect(resolveEffectiveBackend("acme", "company", configs, null).type).toBe("aws-secret-manager");
  });

  it("does not treat a sibling with a common prefix as a parent", () => {
    expect(resolveEffectiveBackend("acme", "companyx", [cfg("company")], null).type).toBe("builtin");
  });

  it("describes where the backend comes from", () => {
    expect(describeSource({ kind: "namespace", namespace: "company", own: false })).toBe("Inherited from company");
    expect(describeSource({ kind: "tenant", tenant: "acme" })).toBe("Inherited from tenant acme");
  });
});
