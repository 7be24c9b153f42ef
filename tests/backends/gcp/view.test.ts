// Which edits of a Google Secret Manager configuration switch what a namespace sees (so the save previews and asks
// first), and which only change its credentials: the project, the endpoint, the marker prefix and the label and name
// filters do; a new key for the same service account does not.
import { describe, expect, it } from "vitest";
import { switches } from "../../support/switch-rule";

const key = (id: string) =>
  JSON.stringify({ type: "service_account", client_email: "reader@proj-a.iam.gserviceaccount.com", private_key: id });
const gcp = (section: Record<string, unknown> = {}) => ({
  type: "google-secret-manager",
  "read-only": true,
  "google-secret-manager": { project: "project-a", "service-account": key("first"), prefix: "team-a", ...section },
});

describe("a Google edit that switches what the namespace sees", () => {
  it.each([
    ["the marker prefix", { prefix: "team-b" }],
    ["filter-on-tags (labels)", { "filter-on-tags": { tags: { env: "prod" } } }],
    ["excluded tags", { "excluded-tags": { tags: { archived: "true" } } }],
    ["filter-on-prefix", { "filter-on-prefix": { prefix: "prod_" } }],
    ["the project (a destination)", { project: "project-b" }],
    ["the endpoint (a destination)", { "endpoint-override": "http://127.0.0.1:9000" }],
  ])("%s", (_, edit) => {
    expect(switches(gcp(), gcp(edit))).toBe(true);
  });
});

describe("a Google edit that keeps what the namespace sees", () => {
  it("a new key for the same service account", () => {
    expect(switches(gcp(), gcp({ "service-account": key("second") }))).toBe(false);
  });

  it("the default labels written on new secrets, and the default prefix written out", () => {
    expect(switches(gcp(), gcp({ tags: { owner: "platform" } }))).toBe(false);
    expect(switches(gcp({ prefix: undefined }), gcp({ prefix: "kestra" }))).toBe(false);
  });
});
