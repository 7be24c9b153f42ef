// Which edits of an AWS Secrets Manager configuration switch what a namespace sees (so the save previews and asks
// first), and which only change its credentials. The role (another account), the region and endpoint, the marker
// prefix and the tag and name filters decide which secrets are selected; a rotated key for the same role does not.
import { describe, expect, it } from "vitest";
import { switches } from "../../support/switch-rule";

const ROLE = "arn:aws:iam::111111111111:role/keyhold";
const aws = (section: Record<string, unknown> = {}, readOnly = true) => ({
  type: "aws-secret-manager",
  "read-only": readOnly,
  "aws-secret-manager": {
    region: "eu-west-1",
    "access-key-id": "AKIAFIRST",
    "secret-key-id": "first-secret",
    "role-arn": ROLE,
    prefix: "team-a",
    "filter-on-tags": { tags: { env: "prod", app: "kestra" } },
    ...section,
  },
});

describe("an AWS edit that switches what the namespace sees", () => {
  it.each([
    ["the marker prefix", { prefix: "team-b" }],
    ["the marker prefix, back to its default", { prefix: undefined }],
    ["the role (another account)", { "role-arn": "arn:aws:iam::222222222222:role/keyhold" }],
    ["the role, no longer assumed", { "role-arn": undefined }],
    ["a filter-on-tags pair", { "filter-on-tags": { tags: { env: "staging", app: "kestra" } } }],
    ["filter-on-tags, removed", { "filter-on-tags": undefined }],
    ["excluded tags", { "excluded-tags": { tags: { archived: "true" } } }],
    ["filter-on-prefix", { "filter-on-prefix": { prefix: "prod_" } }],
    ["the region (a destination)", { region: "us-east-1" }],
    ["the endpoint (a destination)", { "endpoint-override": "http://127.0.0.1:4566" }],
  ])("%s", (_, edit) => {
    expect(switches(aws(), aws(edit))).toBe(true);
  });

  it("keep-prefix: the same secrets under other keys", () => {
    const fop = (keep: boolean) => ({ "filter-on-prefix": { prefix: "prod_", "keep-prefix": keep } });
    expect(switches(aws(fop(false)), aws(fop(true)))).toBe(true);
  });
});

describe("an AWS edit that keeps what the namespace sees", () => {
  it("a rotated access key for the same role", () => {
    expect(switches(aws(), aws({ "access-key-id": "AKIASECOND", "secret-key-id": "second-secret" }))).toBe(false);
    expect(switches(aws(), aws({ "session-token": "session" }))).toBe(false);
  });

  it("how the same role is assumed: session name, duration, external id", () => {
    expect(switches(aws(), aws({ "session-name": "keyhold-2", duration: 1800, "external-id": "acme:x" }))).toBe(false);
  });

  it("the default tags written on new secrets, and the read-only flag (the same selection rules)", () => {
    expect(switches(aws(), aws({ tags: { owner: "platform" } }))).toBe(false);
    expect(switches(aws({}, true), aws({}, false))).toBe(false);
  });

  it("the same filters written in another order, and the default prefix written out", () => {
    expect(switches(aws(), aws({ "filter-on-tags": { tags: { app: "kestra", env: "prod" } } }))).toBe(false);
    expect(switches(aws({ prefix: undefined }), aws({ prefix: "kestra" }))).toBe(false);
  });
});
