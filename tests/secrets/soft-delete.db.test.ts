// Recover and Purge through lib/secrets/soft-delete: refused on a read-only configuration before any backend call,
// recorded in the audit when done, and a recovered secret written through to the secrets index.
import { describe, expect, it } from "vitest";
import type { Session } from "@/lib/auth/session";
import type { SoftDelete } from "@/lib/backends/soft-delete";
import { listNamespaceSecrets } from "@/lib/secrets/namespace-secrets";
import { listDeletedSecrets, purgeSecret, recoverSecret } from "@/lib/secrets/soft-delete";
import { indexDatabase } from "../support/index-db";
import { memoryBackend, memoryServing } from "../support/memory-backend";

const index = indexDatabase();
const tenant = { id: "tenant-soft-delete", slug: "acme" };
const session: Session = { userId: "u1", actor: "editor@example.com", name: "Editor", bindings: [] };
const ref = { tenant: "acme", namespace: "company", key: "gone" };

function setup(readOnly = false) {
  const backend = memoryBackend({ type: "azure-key-vault", readOnly, secrets: [] });
  const calls: string[] = [];
  const softDelete: SoftDelete = {
    listDeleted: async () => (
      calls.push("list"),
      [{ key: "gone", namespace: "company", backendName: "gone", deletedOn: "2026-12-05T00:00:00.000Z", purgeOn: null }]
    ),
    recover: async (r) => {
      calls.push(`recover ${r.key}`);
      return {
        backendName: "gone",
        key: r.key,
        namespace: r.namespace,
        tenantTag: r.tenant,
        description: null,
        tags: {},
        subkeys: null,
        updatedAt: new Date().toISOString(),
        version: null,
        ignored: null,
      };
    },
    purge: async (r) => (calls.push(`purge ${r.key}`), { backendName: "gone" }),
  };
  Object.assign(backend, { softDelete });
  const serving = memoryServing({ namespaces: ["company"], backends: { company: backend } });
  return { calls, serving, ...index.memory() };
}

describe("soft delete: list, recover, purge", () => {
  it("lists names and dates only, and says when a backend keeps no deleted secrets", async () => {
    const { serving, prisma } = setup();
    expect(await listDeletedSecrets(prisma, tenant, "company", serving)).toEqual({
      supported: true,
      readOnly: false,
      items: [{ key: "gone", deletedOn: "2026-12-05T00:00:00.000Z", purgeOn: null }],
    });
    const plain = memoryServing({ namespaces: ["company"], backends: { company: memoryBackend({ type: "vault" }) } });
    expect(await listDeletedSecrets(prisma, tenant, "company", plain)).toEqual({
      supported: false,
      readOnly: false,
      items: [],
    });
    await expect(recoverSecret(prisma, tenant, session, ref, plain)).rejects.toMatchObject({ code: "invalid-input" });
  });

  it("recovers: the row is back in the index, and the audit says who recovered what", async () => {
    const { serving, prisma, audit, calls } = setup();
    const keys = async () =>
      (await listNamespaceSecrets(prisma, tenant, "company", {}, serving)).rows.map((r) => r.key);
    expect(await keys()).toEqual([]);
    await recoverSecret(prisma, tenant, session, ref, serving);
    expect(calls).toEqual(["recover gone"]);
    expect(await keys()).toEqual(["gone"]);
    expect(audit.at(-1)).toMatchObject({
      action: "secret.recovered",
      outcome: "success",
      namespace: "company",
      details: { key: "gone", backend: "azure-key-vault" },
    });
  });

  it("purges and records it", async () => {
    const { serving, prisma, audit, calls } = setup();
    await purgeSecret(prisma, tenant, session, ref, serving);
    expect(calls).toEqual(["purge gone"]);
    expect(audit.at(-1)).toMatchObject({ action: "secret.purged", details: { key: "gone" } });
  });

  it("refuses Recover and Purge on a read-only configuration before calling the backend, and records nothing", async () => {
    const { serving, prisma, audit, calls } = setup(true);
    for (const op of [recoverSecret, purgeSecret])
      await expect(op(prisma, tenant, session, ref, serving)).rejects.toMatchObject({ code: "read-only" });
    expect(calls).toEqual([]);
    expect(audit).toEqual([]);
    // Listing is still allowed (it changes nothing), and says read-only so no button is offered.
    expect((await listDeletedSecrets(prisma, tenant, "company", serving)).readOnly).toBe(true);
  });
});
