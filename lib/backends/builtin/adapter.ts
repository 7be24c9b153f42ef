import "server-only";
import type { PrismaClient } from "../../db/generated/client";
import { decrypt, encrypt } from "../../crypto";
import type { IndexedSecret, SecretRef, SecretsBackend, UpdateInput, VerifyResult, WriteInput } from "../adapter";
import { BackendError } from "../backend-error";
import { isValidSecretKey } from "../classify";
import { subkeysOf, valueOrSubkey } from "../subkeys";
import { builtinDescriptor } from "./descriptor";

/** The embedded store: secrets encrypted in Keyhold's own database, one row per namespace and key. */
export function createBuiltinBackend(prisma: PrismaClient, tenantId: string): SecretsBackend {
  const context = (namespaceId: string, key: string) => `builtin-secret:${tenantId}:${namespaceId}:${key}`;

  async function namespaceId(path: string): Promise<string> {
    const ns = await prisma.namespace.findUnique({
      where: { tenantId_path: { tenantId, path } },
      select: { id: true },
    });
    if (!ns) throw new BackendError("not-found", `Namespace '${path}' does not exist.`);
    return ns.id;
  }

  async function row(ref: SecretRef) {
    const nsId = await namespaceId(ref.namespace);
    const found = await prisma.builtinSecret.findUnique({
      where: { namespaceId_key: { namespaceId: nsId, key: ref.key } },
    });
    if (!found || found.tenantId !== tenantId)
      throw new BackendError("not-found", `Cannot find secret for key '${ref.key}'.`);
    return found;
  }

  const tagsOf = (value: unknown): Record<string, string> =>
    value && typeof value === "object" ? (value as Record<string, string>) : {};

  /** Its index entry: the backend name is `namespace/key`, unique in the tenant. */
  const indexed = (r: {
    key: string;
    description: string | null;
    tags: unknown;
    updatedAt: Date;
    namespace: { path: string };
  }): IndexedSecret => ({
    backendName: `${r.namespace.path}/${r.key}`,
    key: r.key,
    namespace: r.namespace.path,
    tenantTag: null,
    description: r.description,
    tags: tagsOf(r.tags),
    subkeys: null,
    updatedAt: r.updatedAt.toISOString(),
    version: null,
    ignored: null,
  });
  const metadataColumns = {
    id: true,
    key: true,
    description: true,
    tags: true,
    updatedAt: true,
    namespace: { select: { path: true } },
  } as const;
  const SCAN_PAGE = 500;

  return {
    type: "builtin",
    readOnly: false,
    subkeySource: builtinDescriptor.subkeys,

    async *scan(): AsyncIterable<IndexedSecret[]> {
      // Metadata columns only, by id: the value column is never selected.
      let after: string | undefined;
      for (;;) {
        const rows = await prisma.builtinSecret.findMany({
          where: { tenantId, ...(after ? { id: { gt: after } } : {}) },
          select: metadataColumns,
          orderBy: { id: "asc" },
          take: SCAN_PAGE,
        });
        if (!rows.length) return;
        yield rows.map(indexed);
        if (rows.length < SCAN_PAGE) return;
        after = rows[rows.length - 1].id;
      }
    },

    async subkeys(ref: SecretRef): Promise<string[]> {
      const found = await row(ref);
      return subkeysOf(decrypt(found.value, context(found.namespaceId, ref.key)));
    },

    async read(ref: SecretRef, subkey?: string): Promise<string> {
      const found = await row(ref);
      return valueOrSubkey(ref.key, decrypt(found.value, context(found.namespaceId, ref.key)), subkey);
    },

    async write(input: WriteInput): Promise<IndexedSecret> {
      if (!isValidSecretKey(input.key))
        throw new BackendError("invalid-input", `'${input.key}' is not a valid secret key.`);
      const nsId = await namespaceId(input.namespace);
      try {
        const created = await prisma.builtinSecret.create({
          select: metadataColumns,
          data: {
            tenantId,
            namespaceId: nsId,
            key: input.key,
            value: encrypt(input.value, context(nsId, input.key)),
            description: input.description ?? null,
            tags: input.tags ?? {},
          },
        });
        return indexed(created);
      } catch (error) {
        if ((error as { code?: string }).code === "P2002")
          throw new BackendError("conflict", `A secret with key '${input.key}' already exists in ${input.namespace}.`);
        throw error;
      }
    },

    async update(input: UpdateInput): Promise<IndexedSecret> {
      const found = await row(input);
      const updated = await prisma.builtinSecret.update({
        select: metadataColumns,
        where: { id: found.id },
        data: {
          ...(input.value !== undefined ? { value: encrypt(input.value, context(found.namespaceId, input.key)) } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(input.tags !== undefined ? { tags: input.tags } : {}),
        },
      });
      return indexed(updated);
    },

    async delete(ref: SecretRef): Promise<{ backendName: string }> {
      const found = await row(ref);
      await prisma.builtinSecret.delete({ where: { id: found.id } });
      return { backendName: `${ref.namespace}/${ref.key}` };
    },

    async verify(): Promise<VerifyResult> {
      const started = performance.now();
      await prisma.builtinSecret.count({ where: { tenantId } });
      return {
        status: "ok",
        latencyMs: Math.round(performance.now() - started),
        checked: "read the builtin store in Keyhold's database",
      };
    },
  };
}
