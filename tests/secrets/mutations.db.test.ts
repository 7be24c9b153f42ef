import { describe, expect, it } from "vitest";
import type { Session } from "@/lib/auth/session";
import { createSecret, deleteSecret, updateSecret } from "@/lib/secrets/mutations";
import { listNamespaceSecrets } from "@/lib/secrets/namespace-secrets";
import { indexDatabase } from "../support/index-db";
import { memoryBackend, memoryServing } from "../support/memory-backend";

// Mutations write through to the secrets index (PGlite here), so the next list on any instance shows them.
const index = indexDatabase();
const memoryDatabase = () => index.memory();

const tenant = { id: "tenant-mutations", slug: "acme" };
const session: Session = { userId: "u1", actor: "editor@example.com", name: "Editor", bindings: [] };

const setup = (readOnly = false) => {
  const backend = memoryBackend({
    type: "vault",
    readOnly,
    secrets: [{ namespace: "company", key: "db", value: "old", tags: { env: "prod" } }],
  });
  const serving = memoryServing({ namespaces: ["company", "company.team"], backends: { company: backend } });
  return { backend, serving, ...memoryDatabase() };
};

describe("secret mutations", () => {
  it("updates the index row in the same request: created, changed and deleted rows show on the next list", async () => {
    const { backend, serving, prisma } = setup();
    const keys = async () =>
      (await listNamespaceSecrets(prisma, tenant, "company", {}, serving)).rows.map((r) => [r.key, r.description]);
    expect(await keys()).toEqual([["db", null]]);
    const scans = backend.calls.filter((c) => c === "scan").length;
    const ref = { tenant: "acme", namespace: "company" };
    await createSecret(
      prisma,
      tenant,
      session,
      { ...ref, key: "api", value: "v", description: "new", tags: {} },
      serving,
    );
    expect(await keys()).toEqual([
      ["api", "new"],
      ["db", null],
    ]);
    await updateSecret(prisma, tenant, session, { ...ref, key: "db", description: "changed", tags: {} }, serving);
    expect(await keys()).toEqual([
      ["api", "new"],
      ["db", "changed"],
    ]);
    await deleteSecret(prisma, tenant, session, { ...ref, key: "api" }, serving);
    expect(await keys()).toEqual([["db", "changed"]]);
    // Without a single rescan.
    expect(backend.calls.filter((c) => c === "scan").length).toBe(scans);
    await expect(
      createSecret(prisma, tenant, session, { ...ref, key: "db", value: "v", description: null, tags: {} }, serving),
    ).rejects.toMatchObject({ code: "conflict" });
  });

  it("creates through the serving backend and records the key and tag names, never the value", async () => {
    const { backend, serving, prisma, audit } = setup();
    await createSecret(
      prisma,
      tenant,
      session,
      {
        tenant: "acme",
        namespace: "company.team",
        key: "api",
        value: "s3cret",
        description: "API",
        tags: { team: "core" },
      },
      serving,
    );
    // The first write finds the key in the index: a never-scanned source is scanned first (no value read).
    expect(backend.calls.filter((c) => c !== "scan")).toEqual(["write company.team/api"]);
    expect(backend.secrets.at(-1)).toMatchObject({
      namespace: "company.team",
      key: "api",
      value: "s3cret",
      description: "API",
      tags: { team: "core" },
    });
    expect(audit).toEqual([
      {
        tenantId: "tenant-mutations",
        namespace: "company.team",
        actor: "editor@example.com",
        action: "secret.created",
        outcome: "success",
        details: { key: "api", tags: ["team"], backend: "vault" },
      },
    ]);
    expect(JSON.stringify(audit)).not.toContain("s3cret");
  });

  it("updates, recording whether the value was replaced", async () => {
    const { backend, serving, prisma, audit } = setup();
    await updateSecret(
      prisma,
      tenant,
      session,
      { tenant: "acme", namespace: "company", key: "db", value: "new", description: null, tags: {} },
      serving,
    );
    await updateSecret(
      prisma,
      tenant,
      session,
      { tenant: "acme", namespace: "company", key: "db", description: "kept", tags: { env: "dev" } },
      serving,
    );
    expect(backend.calls.filter((c) => c !== "scan")).toEqual(["update company/db", "update company/db"]);
    expect(backend.secrets[0]).toMatchObject({ value: "new", description: "kept", tags: { env: "dev" } });
    expect(audit.map((a) => [a.action, a.details])).toEqual([
      ["secret.updated", { key: "db", value: "replaced", tags: [], backend: "vault" }],
      ["secret.updated", { key: "db", value: "unchanged", tags: ["env"], backend: "vault" }],
    ]);
  });

  it("deletes through the serving backend and records it", async () => {
    const { backend, serving, prisma, audit } = setup();
    await deleteSecret(prisma, tenant, session, { tenant: "acme", namespace: "company", key: "db" }, serving);
    expect(backend.calls.filter((c) => c !== "scan")).toEqual(["delete company/db"]);
    expect(backend.secrets).toEqual([]);
    expect(audit).toMatchObject([
      { action: "secret.deleted", namespace: "company", details: { key: "db", backend: "vault" } },
    ]);
  });

  it("refuses every change on a read-only backend before calling it, and records nothing", async () => {
    const { backend, serving, prisma, audit } = setup(true);
    const message =
      "The secrets manager serving company.team is read-only: Keyhold does not create, change or delete its secrets.";
    await expect(
      createSecret(
        prisma,
        tenant,
        session,
        { tenant: "acme", namespace: "company.team", key: "k", value: "v", description: null, tags: {} },
        serving,
      ),
    ).rejects.toMatchObject({ code: "read-only", message });
    await expect(
      updateSecret(
        prisma,
        tenant,
        session,
        { tenant: "acme", namespace: "company.team", key: "db", value: "v", description: null, tags: {} },
        serving,
      ),
    ).rejects.toMatchObject({ code: "read-only" });
    await expect(
      deleteSecret(prisma, tenant, session, { tenant: "acme", namespace: "company.team", key: "db" }, serving),
    ).rejects.toMatchObject({ code: "read-only" });
    expect(backend.calls).toEqual([]);
    expect(audit).toEqual([]);
  });

  it("refuses a namespace the tenant does not have", async () => {
    const { backend, serving, prisma, audit } = setup();
    await expect(
      deleteSecret(prisma, tenant, session, { tenant: "acme", namespace: "elsewhere", key: "db" }, serving),
    ).rejects.toMatchObject({ code: "not-found", message: "Namespace 'elsewhere' does not exist." });
    expect(backend.calls).toEqual([]);
    expect(audit).toEqual([]);
  });

  it("records nothing when the backend refuses the write", async () => {
    const { prisma, audit } = memoryDatabase();
    const failing = memoryServing({
      namespaces: ["company"],
      backends: { company: { ...memoryBackend(), write: async () => Promise.reject(new Error("refused")) } },
    });
    await expect(
      createSecret(
        prisma,
        tenant,
        session,
        { tenant: "acme", namespace: "company", key: "k", value: "v", description: null, tags: {} },
        failing,
      ),
    ).rejects.toThrow("refused");
    expect(audit).toEqual([]);
  });
});
