import { describe, expect, it } from "vitest";
import { insideDirs, tokenFileDirs, tokenFilePathProblem, tokenFileRefusal } from "../../lib/net/token-files";

describe("token file directories (KEYHOLD_TOKEN_FILE_DIRS)", () => {
  it("expands {tenant}, trims and normalises entries, and drops relative or '..' ones", () => {
    expect(tokenFileDirs(" /var/run/keyhold/{tenant}/ , /shared/tokens, relative/dir, /a/../etc", "acme")).toEqual([
      "/var/run/keyhold/acme",
      "/shared/tokens",
    ]);
  });

  it("gives nothing when unset, and no per-tenant entry without a tenant", () => {
    expect(tokenFileDirs(undefined, "acme")).toEqual([]);
    expect(tokenFileDirs("/var/run/keyhold/{tenant},/shared", null)).toEqual(["/shared"]);
  });
});

describe("which token files a dedicated manager may name (pure)", () => {
  const dirs = tokenFileDirs("/var/run/keyhold/{tenant}", "acme");

  it("allows a file inside the tenant's directory", () => {
    expect(tokenFileRefusal("/var/run/keyhold/acme/vault-jwt", dirs)).toBeNull();
    expect(tokenFileRefusal("/var/run/keyhold/acme/nested/token", dirs)).toBeNull();
  });

  it("refuses another tenant's directory, a sibling with the same prefix, the directory itself and server files", () => {
    for (const file of [
      "/var/run/keyhold/globex/vault-jwt",
      "/var/run/keyhold/acme2/vault-jwt",
      "/var/run/keyhold/acme",
      "/var/run/secrets/kubernetes.io/serviceaccount/token",
      "/etc/shadow",
    ])
      expect(tokenFileRefusal(file, dirs), file).toMatch(/not in a directory the instance allows/);
  });

  it("refuses paths that are not plain absolute paths, whatever the directories", () => {
    for (const file of [
      "vault-jwt",
      "/var/run/keyhold/acme/../globex/vault-jwt",
      "/var/run/keyhold/acme/./vault-jwt",
      "/var/run/keyhold//acme/vault-jwt",
      "/var/run/keyhold/acme/",
      "/var/run/keyhold/acme/vault\u0000jwt",
    ])
      expect(tokenFilePathProblem(file), JSON.stringify(file)).not.toBeNull();
    expect(tokenFileRefusal("/var/run/keyhold/acme/../globex/t", dirs)).toMatch(/without '\.', '\.\.'/);
  });

  it("refuses every file when the instance lists no directory", () => {
    expect(tokenFileRefusal("/var/run/keyhold/acme/vault-jwt", [])).toMatch(/KEYHOLD_TOKEN_FILE_DIRS is not set/);
  });

  it("a root entry allows everything but itself (an administrator's explicit choice)", () => {
    expect(insideDirs("/etc/hostname", ["/"])).toBe(true);
    expect(insideDirs("/", ["/"])).toBe(false);
  });
});
