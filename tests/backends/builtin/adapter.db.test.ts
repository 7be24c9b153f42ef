import { beforeEach, describe, expect, it } from "vitest";
import { PrismaClient } from "../../../lib/db/generated/client";
import { migratedPrisma, TEST_DATABASES } from "../../support/test-db";
import { createBuiltinBackend as createStore } from "../../../lib/backends/builtin/adapter";
import { listable } from "../../support/scan-list";

/** The store, with a list computed from its scan (tests/support/scan-list.ts). */
const createBuiltinBackend = (prisma: PrismaClient, tenantId: string) =>
  listable(createStore(prisma, tenantId), { tenant: "acme", namespace: null });

process.env.KEYHOLD_ENCRYPTION_KEY ??= Buffer.alloc(32, 9).toString("base64");

describe.each(TEST_DATABASES)("builtin store on $kind", ({ kind, available }) => {
  const database = migratedPrisma(kind, available);
  let prisma: PrismaClient;
  let tenantId: string;

  beforeEach(async () => {
    if (!available) return;
    prisma = database.get();
    await prisma.tenant.deleteMany();
    tenantId = (await prisma.tenant.create({ data: { slug: "acme", displayName: "Acme" } })).id;
    await prisma.namespace.createMany({
      data: [
        { tenantId, path: "company" },
        { tenantId, path: "company.team" },
      ],
    });
  });

  it.skipIf(!available)("writes encrypted values and lists keys, never values", async () => {
    const store = createBuiltinBackend(prisma, tenantId);
    const ref = { tenant: "acme", namespace: "company", key: "api" };
    await store.write({
      ...ref,
      value: JSON.stringify({ API_TOKEN: "CANARY-123" }),
      description: "API",
      tags: { team: "core" },
    });
    await store.write({ ...ref, key: "plain", value: "CANARY-plain" });
    const row = await prisma.builtinSecret.findFirstOrThrow({ where: { key: "api" } });
    expect(row.value).toMatch(/^kh1\./);
    expect(row.value).not.toContain("CANARY");

    const page = await store.list({ tenant: "acme", namespace: "company" });
    expect(page.items.map((s) => [s.key, s.subkeys, s.description, s.tags])).toEqual([
      ["api", null, "API", { team: "core" }],
      ["plain", null, null, {}],
    ]);
    expect(store.subkeySource).toBe("on-demand");
    expect(await store.subkeys(ref)).toEqual(["API_TOKEN"]);
    expect(await store.subkeys({ ...ref, key: "plain" })).toEqual([]);
    expect(JSON.stringify(page)).not.toContain("CANARY");
    expect(await store.read(ref, "API_TOKEN")).toBe("CANARY-123");
    expect((await store.list({ tenant: "acme", namespace: "company.team" })).items).toEqual([]);
    await expect(store.write({ ...ref, value: "x" })).rejects.toMatchObject({ code: "conflict" });
  });

  it.skipIf(!available)(
    "updates description and tags without touching the value, then the value, then deletes",
    async () => {
      const store = createBuiltinBackend(prisma, tenantId);
      const ref = { tenant: "acme", namespace: "company", key: "K" };
      await store.write({ ...ref, value: "one" });
      await store.update({ ...ref, description: "described", tags: { a: "b" } });
      expect(await store.read(ref)).toBe("one");
      expect((await store.list({ tenant: "acme", namespace: "company" })).items[0]).toMatchObject({
        description: "described",
        tags: { a: "b" },
      });
      await store.update({ ...ref, value: "two" });
      expect(await store.read(ref)).toBe("two");
      await store.delete(ref);
      await expect(store.read(ref)).rejects.toThrow("Cannot find secret for key 'K'.");
    },
  );

  it.skipIf(!available)("pages with a cursor and searches keys and tags", async () => {
    const store = createBuiltinBackend(prisma, tenantId);
    for (let i = 0; i < 7; i++)
      await store.write({
        tenant: "acme",
        namespace: "company",
        key: `KEY_${i}`,
        value: String(i),
        tags: i === 3 ? { owner: "payments" } : {},
      });
    const first = await store.list({ tenant: "acme", namespace: "company", pageSize: 3 });
    const second = await store.list({ tenant: "acme", namespace: "company", pageSize: 3, cursor: first.nextCursor });
    const third = await store.list({ tenant: "acme", namespace: "company", pageSize: 3, cursor: second.nextCursor });
    expect([...first.items, ...second.items, ...third.items].map((s) => s.key)).toEqual([
      "KEY_0",
      "KEY_1",
      "KEY_2",
      "KEY_3",
      "KEY_4",
      "KEY_5",
      "KEY_6",
    ]);
    expect(third.nextCursor).toBeNull();
    expect(first.total).toBe(7);
    expect(
      (await store.list({ tenant: "acme", namespace: "company", search: "payments" })).items.map((s) => s.key),
    ).toEqual(["KEY_3"]);
  });

  it.skipIf(!available)("keeps tenants apart", async () => {
    const globexId = (await prisma.tenant.create({ data: { slug: "globex", displayName: "Globex" } })).id;
    await prisma.namespace.create({ data: { tenantId: globexId, path: "company" } });
    await createBuiltinBackend(prisma, tenantId).write({
      tenant: "acme",
      namespace: "company",
      key: "K",
      value: "acme",
    });
    const globex = createBuiltinBackend(prisma, globexId);
    expect((await globex.list({ tenant: "globex", namespace: "company" })).items).toEqual([]);
    await expect(globex.read({ tenant: "globex", namespace: "company", key: "K" })).rejects.toMatchObject({
      code: "not-found",
    });
  });
});
