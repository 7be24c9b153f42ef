import { describe, expect, it } from "vitest";
import { parseConfigDocument } from "../../../lib/backends/document";

const gcp = (section: Record<string, unknown>) => ({ type: "google-secret-manager", "google-secret-manager": section });
const errorsOf = (section: Record<string, unknown>) => {
  const r = parseConfigDocument(gcp(section), { unknownKeys: "error" });
  return r.ok ? {} : Object.fromEntries(r.errors.map((e) => [e.path, e.message]));
};
const key = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: "service_account",
    client_email: "k@acme-prod.iam.gserviceaccount.com",
    private_key: "-----BEGIN PRIVATE KEY-----\n…",
    ...over,
  });

describe("google-secret-manager settings", () => {
  it("accepts a project with a service-account key, or with none (Application Default Credentials)", () => {
    expect(errorsOf({ project: "acme-prod", "service-account": key() })).toEqual({});
    expect(errorsOf({ project: "acme-prod" })).toEqual({});
    expect(errorsOf({ project: "acme-prod", "service-account": "   " })).toEqual({});
  });

  it.each(["Acme-prod", "acme", "1acme-prod", "acme-prod-", "a".repeat(31)])("refuses project id %s", (project) =>
    expect(errorsOf({ project })).toEqual({
      "google-secret-manager.project": "A project id: 6-30 lowercase letters, digits and dashes",
    }),
  );

  it("refuses JSON that is not a service-account key, in forms", () => {
    expect(errorsOf({ project: "acme-prod", "service-account": key({ type: "authorized_user" }) })).toEqual({
      "google-secret-manager.service-account": 'The JSON needs type "service_account", client_email and private_key',
    });
    expect(Object.keys(errorsOf({ project: "acme-prod", "service-account": "{not json" }))).toEqual([
      "google-secret-manager.service-account",
    ]);
    expect(Object.keys(errorsOf({ project: "acme-prod", "service-account": "[]" }))).toEqual([
      "google-secret-manager.service-account",
    ]);
  });

  it("warns, in the configuration file, about a placeholder key and a missing project, and keeps both as given", () => {
    const r = parseConfigDocument(gcp({ "service-account": "Paste the contents here." }), { unknownKeys: "warn" });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.path)).toEqual([
      "google-secret-manager.project",
      "google-secret-manager.service-account",
    ]);
    expect(r.ok && r.document["google-secret-manager"]).toEqual({
      "service-account": "Paste the contents here.",
      prefix: "kestra",
    });
  });

  it("takes a PEM CA certificate for a private endpoint", () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    expect(
      errorsOf({
        project: "acme-prod",
        "endpoint-override": "https://sm.internal.example:8443",
        "ca-certificate": pem,
      }),
    ).toEqual({});
    expect(Object.keys(errorsOf({ project: "acme-prod", "ca-certificate": "not a certificate" }))).toEqual([
      "google-secret-manager.ca-certificate",
    ]);
  });

  it("limits a service-account key to 16 KiB", () => {
    const padded = (n: number) => key({ padding: "x".repeat(n - key({ padding: "" }).length) });
    expect(padded(16384)).toHaveLength(16384);
    expect(errorsOf({ project: "acme-prod", "service-account": padded(16384) })).toEqual({});
    expect(errorsOf({ project: "acme-prod", "service-account": padded(16385) })).toEqual({
      "google-secret-manager.service-account": "A service-account key is at most 16 KiB",
    });
  });
});
