import { afterAll, describe, expect, it } from "vitest";
import { closeGcpClients, connect, parseEndpoint, parseServiceAccount } from "../../../lib/backends/gcp/client";
import type { GcpSection } from "../../../lib/backends/gcp/config";

describe("service-account keys", () => {
  it("keeps only what signing needs; token_uri and friends are dropped", () => {
    const key = {
      type: "service_account",
      client_email: "k@p.iam.gserviceaccount.com",
      private_key: "PEM",
      private_key_id: "id",
      project_id: "p",
      token_uri: "http://169.254.169.254/",
    };
    expect(parseServiceAccount(JSON.stringify(key))).toEqual({
      type: "service_account",
      client_email: "k@p.iam.gserviceaccount.com",
      private_key: "PEM",
      private_key_id: "id",
      project_id: "p",
    });
  });

  it.each([
    ["not JSON", "{CANARY"],
    [
      "another key type",
      JSON.stringify({ type: "external_account", credential_source: { url: "http://169.254.169.254/CANARY" } }),
    ],
    ["no private key", JSON.stringify({ type: "service_account", client_email: "k@p" })],
  ])("refuses %s without repeating it", (_, text) => {
    let error: unknown;
    try {
      parseServiceAccount(text);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "invalid-config" });
    expect((error as Error).message).not.toContain("CANARY");
  });
});

describe("endpoint-override", () => {
  it.each([
    ["http://127.0.0.1:48085", { host: "127.0.0.1", port: 48085, plaintext: true }],
    [
      "https://secretmanager.europe-west1.rep.googleapis.com",
      { host: "secretmanager.europe-west1.rep.googleapis.com", port: 443, plaintext: false },
    ],
    ["https://[::1]:8443/", { host: "::1", port: 8443, plaintext: false }],
  ])("%s", (url, endpoint) => expect(parseEndpoint(url)).toEqual(endpoint));

  it("is a host and port, not a path", () => {
    expect(() => parseEndpoint("https://example.com/v1/projects")).toThrow(
      expect.objectContaining({ code: "invalid-config" }),
    );
    expect(parseEndpoint(undefined)).toBeNull();
  });
});

describe("client reuse", () => {
  afterAll(() => closeGcpClients());
  const section = (over: Partial<GcpSection> = {}) =>
    ({ project: "acme-prod", "endpoint-override": "http://127.0.0.1:1", prefix: "kestra", ...over }) as GcpSection;

  it("keeps one channel per connection setting, whatever the selection rules", () => {
    const a = connect(section());
    expect(connect(section({ prefix: "other", "filter-on-tags": { tags: { a: "b" } } }))).toBe(a);
    expect(connect(section({ project: "acme-test" }))).not.toBe(a);
    expect(a).toMatchObject({ project: "acme-prod", endpoint: { plaintext: true } });
    expect(
      connect(
        section({
          project: undefined,
          "endpoint-override": undefined,
          "service-account": JSON.stringify({
            type: "service_account",
            client_email: "k@x",
            private_key: "PEM",
            project_id: "from-key",
          }),
        }),
      ).project,
    ).toBe("from-key");
  });
});
