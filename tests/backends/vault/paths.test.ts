import { describe, expect, it } from "vitest";
import {
  dataPath,
  isManagedKey,
  joinPath,
  listPath,
  managedEntry,
  managedFolder,
  metadataPath,
  readOnlyEntry,
  splitListing,
  type KvLayout,
} from "../../../lib/backends/vault/paths";

const v2: KvLayout = { engine: "secret", version: 2 };
const v1: KvLayout = { engine: "kv", version: 1, prefix: "app1/team" };

describe("vault paths", () => {
  it("joins pieces, dropping empty ones and stray slashes", () => {
    expect(joinPath("secret", undefined, "", "/app/", null, "db")).toBe("secret/app/db");
    expect(joinPath()).toBe("");
  });

  it("builds KV v2 data, metadata and list paths", () => {
    expect(dataPath(v2, "app/db")).toBe("secret/data/app/db");
    expect(metadataPath(v2, "app/db")).toBe("secret/metadata/app/db");
    expect(listPath(v2, "app")).toBe("secret/metadata/app/");
    expect(listPath(v2, "")).toBe("secret/metadata/");
  });

  it("builds KV v1 paths without data/ or metadata/", () => {
    expect(dataPath(v1, "app1/team/db")).toBe("kv/app1/team/db");
    expect(listPath(v1, "app1/team")).toBe("kv/app1/team/");
    expect(listPath(v1, "")).toBe("kv/");
  });

  it("encodes each segment so a name cannot change the request", () => {
    expect(dataPath(v2, "a b/c?d#e%")).toBe("secret/data/a%20b/c%3Fd%23e%25");
  });

  it("splits a LIST answer into entries and folders", () => {
    expect(splitListing(["db", "team/", "api", 3, "", "/"])).toEqual({ entries: ["db", "api"], folders: ["team"] });
    expect(splitListing(undefined)).toEqual({ entries: [], folders: [] });
  });

  it("places read-only keys under the prefix", () => {
    expect(readOnlyEntry(v1, "team/api")).toBe("app1/team/team/api");
    expect(readOnlyEntry(v2, "db")).toBe("db");
  });

  it("places managed secrets at [prefix/]TENANT/NS_PARENT/…/NS_CHILD/KEY", () => {
    expect(managedEntry(v2, "acme", "company.team", "API_KEY")).toBe("acme/company/team/API_KEY");
    expect(managedEntry(v1, "acme", "company", "db.password")).toBe("app1/team/acme/company/db.password");
    expect(managedFolder(v2, "acme", "team-a")).toBe("acme/team-a");
    expect(managedFolder(v2, "acme", "team.a")).toBe("acme/team/a");
  });

  it("refuses tenants and namespaces that are not plain path segments", () => {
    for (const [tenant, ns] of [
      ["acme", "a/b"],
      ["acme", "a..b"],
      ["..", "a"],
      ["acme", "a.%2e"],
    ]) {
      expect(() => managedFolder(v2, tenant, ns)).toThrow(expect.objectContaining({ code: "invalid-input" }));
    }
  });

  it("accepts as managed keys only keys without '/'", () => {
    expect(isManagedKey("DB_PASSWORD")).toBe(true);
    expect(isManagedKey("db.password-2")).toBe(true);
    expect(isManagedKey("team/api")).toBe(false);
    expect(isManagedKey("..")).toBe(false);
    expect(isManagedKey("")).toBe(false);
  });
});
