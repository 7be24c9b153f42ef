import { describe, expect, it } from "vitest";
import { parseConfigDocument } from "../../../lib/backends/document";

const vault = (section: Record<string, unknown>) => ({ type: "vault", vault: section });
const parse = (section: Record<string, unknown>) => parseConfigDocument(vault(section), { unknownKeys: "error" });
const errorsOf = (section: Record<string, unknown>) => {
  const r = parse(section);
  return r.ok ? {} : Object.fromEntries(r.errors.map((e) => [e.path, e.message]));
};
const ADDRESS = "https://my-vault:8200/";
const token = { token: { token: "hvs.example" } };
const password = { password: { user: "ops", password: "pw" } };
const appRole = { "app-role": { "role-id": "role", "secret-id": "secret" } };

describe("vault settings", () => {
  it("accepts each auth method and fills the defaults", () => {
    const r = parse({ address: ADDRESS, ...appRole });
    expect(r.ok && r.document.vault).toEqual({
      address: ADDRESS,
      "root-engine": "secret",
      "engine-version": 2,
      "app-role": { path: "approle", "role-id": "role", "secret-id": "secret" },
    });
    expect(errorsOf({ address: ADDRESS, ...token })).toEqual({});
    expect(errorsOf({ address: ADDRESS, ...password })).toEqual({});
  });

  it("keeps the Enterprise namespace, the path prefix and KV version 1", () => {
    const r = parse({
      address: ADDRESS,
      ...token,
      "root-engine": "business-unit",
      "secret-path-prefix": "app1/team",
      namespace: "admin",
      "engine-version": 1,
    });
    expect(r.ok && r.document.vault).toMatchObject({
      "root-engine": "business-unit",
      "secret-path-prefix": "app1/team",
      namespace: "admin",
      "engine-version": 1,
    });
  });

  it("needs exactly one auth method", () => {
    expect(errorsOf({ address: ADDRESS })).toEqual({
      "vault.token": "Choose an auth method: token, password (userpass), app-role, jwt or kubernetes",
    });
    expect(errorsOf({ address: ADDRESS, ...token, ...password })).toEqual({
      "vault.token": "Choose one auth method, not token and password",
    });
    expect(errorsOf({ address: ADDRESS, ...token, ...password, ...appRole })).toEqual({
      "vault.token": "Choose one auth method, not token and password and app-role",
    });
  });

  it.each(["my-vault:8200", "ftp://my-vault", "", "https://"])("refuses address %j", (address) =>
    expect(Object.keys(errorsOf({ address, ...token }))).toEqual(["vault.address"]),
  );

  it.each(["/secret", "secret/", "a//b", "se cret", "../sys", "app/./x", "a/.."])("refuses path %j", (path) => {
    expect(Object.keys(errorsOf({ address: ADDRESS, ...token, "root-engine": path }))).toEqual(["vault.root-engine"]);
    expect(Object.keys(errorsOf({ address: ADDRESS, ...token, "secret-path-prefix": path }))).toEqual([
      "vault.secret-path-prefix",
    ]);
  });

  it("treats an empty path prefix or namespace as absent", () => {
    const r = parse({ address: ADDRESS, ...token, "secret-path-prefix": "", namespace: "" });
    expect(r.ok && r.document.vault).toEqual({
      address: ADDRESS,
      "root-engine": "secret",
      "engine-version": 2,
      ...token,
    });
  });

  it("accepts only KV versions 1 and 2", () => {
    expect(Object.keys(errorsOf({ address: ADDRESS, ...token, "engine-version": 3 }))).toEqual([
      "vault.engine-version",
    ]);
    expect(Object.keys(errorsOf({ address: ADDRESS, ...token, "engine-version": "3" }))).toEqual([
      "vault.engine-version",
    ]);
    // Text "1"/"2" is what a ${ENV} reference in the configuration file produces.
    expect(errorsOf({ address: ADDRESS, ...token, "engine-version": "2" })).toEqual({});
  });

  it("names the missing field of an auth method", () => {
    expect(errorsOf({ address: ADDRESS, password: { user: "ops" } })).toMatchObject({
      "vault.password.password": expect.any(String),
    });
    expect(errorsOf({ address: ADDRESS, "app-role": { "role-id": "r", "secret-id": " " } })).toEqual({
      "vault.app-role.secret-id": "Required",
    });
  });

  it("limits string lengths", () => {
    expect(errorsOf({ address: ADDRESS, token: { token: "t".repeat(4096) } })).toEqual({});
    expect(errorsOf({ address: ADDRESS, token: { token: "t".repeat(4097) } })).toEqual({
      "vault.token.token": "At most 4096 characters",
    });
    expect(errorsOf({ address: ADDRESS, password: { user: "u".repeat(256), password: "p" } })).toEqual({
      "vault.password.user": "At most 255 characters",
    });
    expect(Object.keys(errorsOf({ address: ADDRESS, ...token, "secret-path-prefix": "a".repeat(256) }))).toEqual([
      "vault.secret-path-prefix",
    ]);
    expect(Object.keys(errorsOf({ address: `https://v.test/${"a".repeat(2048)}`, ...token }))).toEqual([
      "vault.address",
    ]);
  });
});
