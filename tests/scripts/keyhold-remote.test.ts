// bin/keyhold's remote mode, its pure parts: where a token may be sent, and which values leave the caller's machine.
import { describe, expect, it } from "vitest";
import { remoteOf, variablesFor } from "../../scripts/keyhold-remote";

const TOKEN = `kh_${"A".repeat(43)}`;

describe("remoteOf", () => {
  it("takes https anywhere and http on loopback only; a token is required", () => {
    expect(remoteOf("https://keyhold.example.com/", TOKEN)).toEqual({
      url: "https://keyhold.example.com",
      token: TOKEN,
    });
    expect(remoteOf("http://localhost:3000", TOKEN)?.url).toBe("http://localhost:3000");
    expect(remoteOf("http://127.0.0.1:3000", TOKEN)?.url).toBe("http://127.0.0.1:3000");
    expect(remoteOf("http://[::1]:3000", TOKEN)?.url).toBe("http://[::1]:3000");
    for (const url of ["http://keyhold.example.com", "http://10.0.0.5:3000", "ftp://localhost", "not a url"])
      expect(() => remoteOf(url, TOKEN), url).toThrow(/--url/);
    expect(() => remoteOf("https://keyhold.example.com", undefined)).toThrow(/KEYHOLD_API_TOKEN/);
    expect(remoteOf(undefined, TOKEN)).toBeNull();
  });
});

describe("variablesFor", () => {
  const file = `# Credentials are \${ENV} references: set them in \${HOME}
keyhold:
  tenant: acme
kestra:
  secret:
    type: vault
    read-only: true
    vault:
      address: \${VAULT_ADDR:-https://vault.example.com}
      token:
        token: \${ACME_VAULT_TOKEN_TOKEN}
namespaces:
  company.team: {}
`;
  it("sends the values of the variables the managers reference that are set, nothing else", () => {
    const env = { ACME_VAULT_TOKEN_TOKEN: "t", HOME: "/root", ENV: "x", OTHER: "y" };
    expect(variablesFor(file, "acme.yaml", env)).toEqual({ ACME_VAULT_TOKEN_TOKEN: "t" });
    expect(variablesFor(file, "acme.yaml", { VAULT_ADDR: "https://v" })).toEqual({ VAULT_ADDR: "https://v" });
  });
  it("refuses a file that does not parse, before anything is sent", () => {
    expect(() => variablesFor("keyhold: [", "bad.yaml", {})).toThrow(/bad.yaml:1: invalid YAML/);
  });
});
