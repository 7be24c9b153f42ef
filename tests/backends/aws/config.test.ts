import { describe, expect, it } from "vitest";
import { parseConfigDocument } from "../../../lib/backends/document";

const aws = (section: Record<string, unknown>) => ({ type: "aws-secret-manager", "aws-secret-manager": section });
const form = (section: Record<string, unknown>) => parseConfigDocument(aws(section), { unknownKeys: "error" });
const errorsOf = (section: Record<string, unknown>) => {
  const r = form(section);
  return r.ok ? {} : Object.fromEntries(r.errors.map((e) => [e.path, e.message]));
};
const sectionOf = (section: Record<string, unknown>) => {
  const r = form(section);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.document["aws-secret-manager"] ?? {};
};

describe("aws-secret-manager settings", () => {
  it("accepts static keys, a session token, an endpoint override and every filter", () => {
    expect(
      sectionOf({
        "access-key-id": "AKIAEXAMPLE",
        "secret-key-id": "secret",
        "session-token": "session",
        region: "ap-southeast-2",
        "endpoint-override": "http://localhost:4566",
        prefix: "team_a",
        tags: { env: "prod", tier: 1, managed: true },
        "filter-on-tags": { tags: { application: "kestra-production" } },
        "filter-on-prefix": { prefix: "prod_", "keep-prefix": true },
        "excluded-tags": { tags: { archived: "true" } },
      }),
    ).toMatchObject({
      tags: { env: "prod", tier: "1", managed: "true" },
      "filter-on-prefix": { prefix: "prod_", "keep-prefix": true },
    });
  });

  it("accepts no keys at all (default provider chain)", () => {
    expect(sectionOf({ region: "us-east-1" })).toEqual({ region: "us-east-1", prefix: "kestra" });
  });

  it("needs the secret key when the access key id is given, and the other way round", () => {
    expect(errorsOf({ region: "us-east-1", "access-key-id": "AKIAEXAMPLE" })).toEqual({
      "aws-secret-manager.secret-key-id":
        "Give both the access key id and the secret key, or neither to use the default provider chain",
    });
    expect(Object.keys(errorsOf({ region: "us-east-1", "secret-key-id": "s" }))).toEqual([
      "aws-secret-manager.access-key-id",
    ]);
    expect(Object.keys(errorsOf({ region: "us-east-1", "session-token": "t" }))).toEqual([
      "aws-secret-manager.session-token",
    ]);
  });

  it.each(["us-east-1", "eu-central-2", "us-gov-west-1"])("accepts region %s", (region) =>
    expect(errorsOf({ region })).toEqual({}),
  );
  it.each(["US-EAST-1", "useast1", "us-east", "12"])("refuses region %s", (region) =>
    expect(errorsOf({ region })).toEqual({ "aws-secret-manager.region": "An AWS region such as us-east-1" }),
  );
  it("refuses a number as the region", () =>
    expect(Object.keys(errorsOf({ region: 12 }))).toEqual(["aws-secret-manager.region"]));

  it("requires a region in forms, but only warns in the configuration file", () => {
    // Each says one thing and does it: the form refuses and asks; the file loads and says what happens.
    expect(errorsOf({})).toEqual({ "aws-secret-manager.region": "Give a region such as us-east-1" });
    const file = parseConfigDocument(aws({}), { unknownKeys: "warn" });
    expect(file.ok).toBe(true);
    expect(file.warnings).toEqual([
      { path: "aws-secret-manager.region", message: "no region: the AWS SDK's default region (AWS_REGION) is used" },
    ]);
  });

  it("accepts excluded-tags as a bare map too", () => {
    expect(sectionOf({ region: "us-east-1", "excluded-tags": { archived: "true" } })["excluded-tags"]).toEqual({
      tags: { archived: "true" },
    });
  });

  it("limits string lengths", () => {
    const ok = { region: "us-east-1" };
    expect(errorsOf({ ...ok, "access-key-id": "A".repeat(128), "secret-key-id": "s".repeat(256) })).toEqual({});
    expect(errorsOf({ ...ok, "access-key-id": "A".repeat(129), "secret-key-id": "s" })).toEqual({
      "aws-secret-manager.access-key-id": "At most 128 characters",
    });
    expect(errorsOf({ ...ok, "access-key-id": "A", "secret-key-id": "s".repeat(257) })).toEqual({
      "aws-secret-manager.secret-key-id": "At most 256 characters",
    });
    expect(
      Object.keys(errorsOf({ ...ok, "access-key-id": "A", "secret-key-id": "s", "session-token": "t".repeat(4097) })),
    ).toEqual(["aws-secret-manager.session-token"]);
    expect(Object.keys(errorsOf({ ...ok, "endpoint-override": `https://${"h".repeat(2050)}.test` }))).toEqual([
      "aws-secret-manager.endpoint-override",
    ]);
    expect(Object.keys(errorsOf({ ...ok, prefix: "p".repeat(65) }))).toEqual(["aws-secret-manager.prefix"]);
    expect(Object.keys(errorsOf({ ...ok, "filter-on-prefix": { prefix: "p".repeat(256) } }))).toEqual([
      "aws-secret-manager.filter-on-prefix.prefix",
    ]);
  });

  it("limits tags: key length, value length and count", () => {
    const ok = { region: "us-east-1" };
    expect(errorsOf({ ...ok, tags: { ["k".repeat(128)]: "v".repeat(256) } })).toEqual({});
    expect(errorsOf({ ...ok, tags: { ["k".repeat(129)]: "v" } })).toMatchObject({
      [`aws-secret-manager.tags.${"k".repeat(129)}`]: "Tag keys are at most 128 characters",
    });
    expect(errorsOf({ ...ok, tags: { k: "v".repeat(257) } })).toEqual({
      "aws-secret-manager.tags.k": "Tag values are at most 256 characters",
    });
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
    expect(errorsOf({ ...ok, "filter-on-tags": { tags: many } })).toEqual({
      "aws-secret-manager.filter-on-tags.tags": "At most 50 tags",
    });
  });

  it("refuses a prefix with characters a tag value cannot carry, and a non-http endpoint", () => {
    expect(Object.keys(errorsOf({ region: "us-east-1", prefix: "a b" }))).toEqual(["aws-secret-manager.prefix"]);
    expect(errorsOf({ region: "us-east-1", "endpoint-override": "file:///etc/passwd" })).toEqual({
      "aws-secret-manager.endpoint-override": "Must be an http:// or https:// URL",
    });
  });

  it("trims text and treats blank optional fields as absent", () => {
    expect(
      sectionOf({ region: " us-east-1 ", "access-key-id": "  ", "secret-key-id": "", "endpoint-override": "" }),
    ).toEqual({
      region: "us-east-1",
      prefix: "kestra",
    });
  });
});
