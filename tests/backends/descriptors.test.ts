import { describe, expect, it } from "vitest";
import { BackendType as DbBackendType } from "@/lib/db/generated/enums";
import {
  backendDescriptors,
  backendLabel,
  descriptorOf,
  EXTERNAL_BACKEND_TYPES,
  fromDbType,
  subkeySourceOf,
  toDbType,
} from "@/lib/backends/descriptors";

describe.each(EXTERNAL_BACKEND_TYPES)("the %s descriptor", (type) => {
  const d = descriptorOf(type);
  const authPaths = d.form.auth.flatMap((m) => m.fields.map((f) => f.path));

  it("is registered under its own id", () => {
    expect(d.id).toBe(type);
    expect(backendLabel(type)).toBe(d.label);
  });

  it("has a form input for every credential, in an auth method only", () => {
    for (const path of Object.keys(d.credentials)) expect(authPaths).toContain(path);
    expect(d.form.fields.filter((f) => Object.hasOwn(d.credentials, f.path))).toEqual([]);
  });

  it("recognises each auth method from the settings and credentials it holds", () => {
    for (const method of d.form.auth) {
      const present = new Set(method.fields.filter((f) => f.required).map((f) => f.path));
      expect(d.form.detectAuth((p) => present.has(p))).toBe(method.id);
    }
  });

  it("maps to its database value and back", () => {
    expect(fromDbType(toDbType(type))).toBe(type);
  });
});

describe("the backend registry", () => {
  it("covers every database value once", () => {
    expect(Object.values(DbBackendType).map(fromDbType).sort()).toEqual([...EXTERNAL_BACKEND_TYPES].sort());
  });

  it("lists the types in the registry's order and names the builtin store", () => {
    expect(EXTERNAL_BACKEND_TYPES).toEqual(Object.keys(backendDescriptors));
    expect(backendLabel("builtin")).toBe("Builtin store");
  });
});

describe("how a configuration learns subkey names without reading a value", () => {
  const doc = (type: keyof typeof backendDescriptors, section: Record<string, unknown> = {}) => ({
    type,
    [type]: section,
  });

  it("asks Vault KV v2's metadata, and offers the control for KV v1 and the tagged backends", () => {
    expect(subkeySourceOf(doc("vault", { "engine-version": 2 }))).toBe("metadata");
    expect(subkeySourceOf(doc("vault", { "engine-version": 1 }))).toBe("on-demand");
    for (const type of ["aws-secret-manager", "azure-key-vault", "google-secret-manager"] as const)
      expect(subkeySourceOf(doc(type))).toBe("on-demand");
  });
});
