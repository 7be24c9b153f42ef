import type { PrismaClient } from "@/lib/db/generated/client";
import type {
  IgnoreReason,
  IndexedSecret,
  SecretRef,
  SecretsBackend,
  SubkeySource,
  UpdateInput,
  VerifyResult,
  WriteInput,
} from "@/lib/backends/adapter";
import type { BackendType } from "@/lib/backends/descriptors";
import type { AuditRow } from "@/lib/audit/record";
import type { EffectiveBackend } from "@/lib/secrets/effective-backend";
import type { ServingBackends } from "@/lib/secrets/serving";
import type { TenantRef } from "@/lib/tenancy/tenant-ref";
import { namespaceLineage } from "@/lib/tenancy/names";

/** One stored secret of a MemoryBackend; `namespace` null belongs to the whole attachment (every namespace lists it). */
export interface MemorySecret {
  namespace: string | null;
  key: string;
  value: string;
  description?: string | null;
  tags?: Record<string, string>;
  updatedAt?: string | null;
}

export interface MemoryBackendOptions {
  type?: BackendType;
  readOnly?: boolean;
  secrets?: MemorySecret[];
  /** What the backend reports it skipped (for every list). */
  ignored?: Partial<Record<IgnoreReason, number>>;
  /** Thrown by every scan (a backend that cannot be read). */
  listError?: Error;
  /** `metadata`: the scan tells subkeys (as Vault KV v2 does); `on-demand` (default): only `subkeys` reads them. */
  subkeySource?: SubkeySource;
  /** Thrown by verify; otherwise verify succeeds. */
  verifyError?: Error;
  /** The capability table verify reports (none by default). */
  capabilities?: VerifyResult["capabilities"];
}

export type MemoryBackend = SecretsBackend & {
  /** Every call, in order: `scan`, `subkeys company/db`, `write company/db`, `verify`. */
  readonly calls: string[];
  readonly secrets: MemorySecret[];
  /** Set: a scan waits for it before its first page (a scan still running while lists are served). */
  hold: Promise<unknown> | null;
};

const subkeysOf = (value: string): string[] => {
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? Object.keys(parsed).sort() : [];
  } catch {
    return [];
  }
};

/** An in-memory SecretsBackend: lists (paged by an offset cursor), reads, writes, verifies, and records its calls. */
export function memoryBackend(options: MemoryBackendOptions = {}): MemoryBackend {
  const type = options.type ?? "builtin";
  const secrets: MemorySecret[] = [...(options.secrets ?? [])];
  const calls: string[] = [];
  const find = (ref: { namespace: string; key: string }) =>
    secrets.findIndex((s) => s.key === ref.key && (s.namespace === ref.namespace || s.namespace === null));
  const subkeySource = options.subkeySource ?? "on-demand";
  const indexed = (s: MemorySecret): IndexedSecret => ({
    backendName: `${s.namespace ?? "*"}/${s.key}`,
    key: s.key,
    namespace: s.namespace,
    tenantTag: null,
    description: s.description ?? null,
    tags: s.tags ?? {},
    subkeys: subkeySource === "metadata" ? subkeysOf(s.value) : null,
    updatedAt: s.updatedAt ?? null,
    version: null,
    ignored: null,
  });
  const skipped = (): IndexedSecret[] =>
    Object.entries(options.ignored ?? {}).flatMap(([reason, n]) =>
      Array.from({ length: n ?? 0 }, (_, i) => ({
        ...indexed({ namespace: null, key: `ignored-${reason}-${i}`, value: "" }),
        key: null,
        ignored: reason as IgnoreReason,
      })),
    );
  const backend: MemoryBackend = {
    type,
    readOnly: !!options.readOnly,
    subkeySource,
    calls,
    secrets,
    hold: null,
    async *scan(): AsyncIterable<IndexedSecret[]> {
      calls.push("scan");
      if (backend.hold) await backend.hold;
      if (options.listError) throw options.listError;
      const all = [...secrets.map(indexed), ...skipped()];
      for (let i = 0; i < all.length; i += 100) yield all.slice(i, i + 100);
    },
    async subkeys(ref: SecretRef): Promise<string[]> {
      calls.push(`subkeys ${ref.namespace}/${ref.key}`);
      const i = find(ref);
      if (i < 0) throw new Error(`no secret ${ref.key}`);
      return subkeysOf(secrets[i].value);
    },
    async read(ref: SecretRef, subkey?: string): Promise<string> {
      calls.push(`read ${ref.namespace}/${ref.key}`);
      const i = find(ref);
      if (i < 0) throw new Error(`no secret ${ref.key}`);
      const value = secrets[i].value;
      return subkey === undefined ? value : String((JSON.parse(value) as Record<string, unknown>)[subkey]);
    },
    async write(input: WriteInput): Promise<IndexedSecret> {
      calls.push(`write ${input.namespace}/${input.key}`);
      const s = {
        namespace: input.namespace,
        key: input.key,
        value: input.value,
        description: input.description ?? null,
        tags: input.tags ?? {},
      };
      secrets.push(s);
      return indexed(s);
    },
    async update(input: UpdateInput): Promise<IndexedSecret> {
      calls.push(`update ${input.namespace}/${input.key}`);
      const s = secrets[find(input)];
      if (input.value !== undefined) s.value = input.value;
      s.description = input.description ?? null;
      s.tags = input.tags ?? {};
      return indexed(s);
    },
    async delete(ref: SecretRef): Promise<{ backendName: string }> {
      calls.push(`delete ${ref.namespace}/${ref.key}`);
      const [s] = secrets.splice(find(ref), 1);
      return { backendName: indexed(s).backendName };
    },
    async verify(): Promise<VerifyResult> {
      calls.push("verify");
      if (options.verifyError) throw options.verifyError;
      return {
        status: "ok",
        latencyMs: 3,
        checked: "listed secrets in memory",
        ...(options.capabilities ? { capabilities: options.capabilities } : {}),
      };
    },
  };
  return backend;
}

/**
 * Namespaces served by in-memory backends, resolved as a tenant's dedicated managers are: a namespace
 * without its own backend is served by its nearest ancestor's, then by the tenant's (`""`). A backend
 * given as an Error fails to open (a configuration that cannot be used).
 */
export function memoryServing(options: {
  namespaces: string[];
  backends: Record<string, SecretsBackend | Error>;
  /** Freshness of every source (default 60 s; 0: every list rescans). */
  ttlMs?: number;
}): ServingBackends {
  const effectiveOf = (namespace: string | null): { effective: EffectiveBackend; entry: SecretsBackend | Error } => {
    for (const ns of namespace ? namespaceLineage(namespace).reverse() : []) {
      const entry = options.backends[ns];
      if (!entry) continue;
      const backend = entry instanceof Error ? null : entry;
      return {
        entry,
        effective: {
          type: backend?.type ?? "vault",
          readOnly: backend?.readOnly ?? false,
          configId: `config:${ns}`,
          source: { kind: "namespace", namespace: ns, own: ns === namespace },
        },
      };
    }
    const entry = options.backends[""];
    if (!entry) throw new Error("memoryServing: no backend serves the tenant");
    const backend = entry instanceof Error ? null : entry;
    return {
      entry,
      effective: {
        type: backend?.type ?? "vault",
        readOnly: backend?.readOnly ?? false,
        configId: "config:tenant",
        source: { kind: "tenant", tenant: "t" },
      },
    };
  };
  return {
    namespaceExists: async (_tenant: TenantRef, namespace: string) => options.namespaces.includes(namespace),
    effective: async (_tenant: TenantRef, namespaces: (string | null)[]) =>
      new Map(namespaces.map((ns) => [ns, effectiveOf(ns).effective])),
    source: async (tenant: TenantRef, effective: EffectiveBackend) => ({
      key: `memory:${tenant.id}:${effective.configId}`,
      tenantId: tenant.id,
      configId: effective.configId,
      ttlMs: options.ttlMs ?? 60_000,
      maxEntries: null,
    }),
    open: async (_tenant: TenantRef, effective: EffectiveBackend) => {
      const entry = options.backends[effective.source.kind === "namespace" ? effective.source.namespace : ""];
      if (entry instanceof Error) throw entry;
      return entry;
    },
  };
}

/**
 * The database, for code whose backends are in memory: it keeps the audit entries and the verification
 * results written, sends the secrets index's SQL to `index` when given, and refuses every other use, so a test
 * proves the code under it reads nothing else.
 */
export function memoryDatabase(index?: PrismaClient): {
  prisma: PrismaClient;
  audit: AuditRow[];
  verifications: { where: unknown; data: Record<string, unknown> }[];
} {
  const audit: AuditRow[] = [];
  const verifications: { where: unknown; data: Record<string, unknown> }[] = [];
  const tables: Record<string, unknown> = {
    auditEvent: { create: async ({ data }: { data: AuditRow }) => void audit.push(data) },
    // The secrets index is SQL: given a database (tests/support/index-db.ts), its statements go there.
    ...(index
      ? {
          $executeRaw: index.$executeRaw.bind(index),
          $queryRaw: index.$queryRaw.bind(index),
          $executeRawUnsafe: index.$executeRawUnsafe.bind(index),
          $queryRawUnsafe: index.$queryRawUnsafe.bind(index),
        }
      : {}),
    secretsManagerConfig: {
      updateMany: async (args: { where: unknown; data: Record<string, unknown> }) => {
        verifications.push(args);
        return { count: 1 };
      },
    },
  };
  const prisma = new Proxy(tables, {
    get(target, name) {
      if (typeof name === "string" && Object.hasOwn(target, name)) return target[name];
      throw new Error(`memoryDatabase: the code under test used prisma.${String(name)}`);
    },
  }) as unknown as PrismaClient;
  return { prisma, audit, verifications };
}
