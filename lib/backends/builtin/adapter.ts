import "server-only";
import type { PrismaClient } from "../../db/generated/client";
import { decrypt, encrypt } from "../../crypto";
import type {
  ListQuery,
  SecretDetails,
  SecretPage,
  SecretRef,
  SecretsBackend,
  SecretSummary,
  UpdateInput,
  VerifyResult,
  WriteInput,
} from "../adapter";
import { BackendError } from "../backend-error";
import { isValidSecretKey } from "../classify";
import { searchSecrets } from "../search";
import { decodeCursor, encodeCursor, pageSizeOf } from "../snapshot";
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

  const detailsOf = (r: {
    key: string;
    description: string | null;
    tags: unknown;
    updatedAt: Date;
  }): SecretDetails => ({
    key: r.key,
    description: r.description,
    tags: tagsOf(r.tags),
    updatedAt: r.updatedAt.toISOString(),
    subkeys: null,
  });
  const metadataColumns = { key: true, description: true, tags: true, updatedAt: true } as const;

  return {
    type: "builtin",
    readOnly: false,
    subkeySource: builtinDescriptor.subkeys,

    async list(query: ListQuery): Promise<SecretPage> {
      const nsId = await namespaceId(query.namespace);
      const rows = await prisma.builtinSecret.findMany({
        where: { tenantId, namespaceId: nsId, ...(query.keys ? { key: { in: query.keys } } : {}) },
        select: metadataColumns,
        orderBy: { key: "asc" },
      });
      const matching = searchSecrets(rows, query.search, (r) => ({ key: r.key, tags: tagsOf(r.tags) }));
      const offset = decodeCursor(query.cursor);
      const size = pageSizeOf(query.pageSize);
      const items: SecretSummary[] = matching
        .slice(offset, offset + size)
        .map((r) => ({ ...detailsOf(r), namespace: query.namespace, backend: "builtin" }));
      return {
        items,
        total: matching.length,
        nextCursor: offset + size < matching.length ? encodeCursor(offset + size) : null,
        ignored: {},
      };
    },

    async describe(query): Promise<SecretDetails[]> {
      const nsId = await namespaceId(query.namespace);
      const rows = await prisma.builtinSecret.findMany({
        where: { tenantId, namespaceId: nsId, key: { in: query.keys } },
        select: metadataColumns,
      });
      return rows.map(detailsOf);
    },

    async subkeys(ref: SecretRef): Promise<string[]> {
      const found = await row(ref);
      return subkeysOf(decrypt(found.value, context(found.namespaceId, ref.key)));
    },

    async read(ref: SecretRef, subkey?: string): Promise<string> {
      const found = await row(ref);
      return valueOrSubkey(ref.key, decrypt(found.value, context(found.namespaceId, ref.key)), subkey);
    },

    async write(input: WriteInput): Promise<void> {
      if (!isValidSecretKey(input.key))
        throw new BackendError("invalid-input", `'${input.key}' is not a valid secret key.`);
      const nsId = await namespaceId(input.namespace);
      try {
        await prisma.builtinSecret.create({
          data: {
            tenantId,
            namespaceId: nsId,
            key: input.key,
            value: encrypt(input.value, context(nsId, input.key)),
            description: input.description ?? null,
            tags: input.tags ?? {},
          },
        });
      } catch (error) {
        if ((error as { code?: string }).code === "P2002")
          throw new BackendError("conflict", `A secret with key '${input.key}' already exists in ${input.namespace}.`);
        throw error;
      }
    },

    async update(input: UpdateInput): Promise<void> {
      const found = await row(input);
      await prisma.builtinSecret.update({
        where: { id: found.id },
        data: {
          ...(input.value !== undefined ? { value: encrypt(input.value, context(found.namespaceId, input.key)) } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(input.tags !== undefined ? { tags: input.tags } : {}),
        },
      });
    },

    async delete(ref: SecretRef): Promise<void> {
      const found = await row(ref);
      await prisma.builtinSecret.delete({ where: { id: found.id } });
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
