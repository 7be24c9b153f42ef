import "server-only";
import type { protos } from "@google-cloud/secret-manager";
import type { CallOptions } from "google-gax";
import { createMaxRetriesBackoffSettings, createRetryOptions, Status } from "google-gax";
import type { BackendContext } from "../adapter";
import { BackendError } from "../backend-error";
import type { RawSecret } from "../classify";
import { managedName } from "../naming";
import type { PageBudget } from "../page-budget";
import { noRetry, selectionRules, type TaggedDriver } from "../tagged-adapter";
import type { GcpSection } from "./config";
import { connect, connectChecked, type GcpConnection } from "./client";
import { checkImpersonation } from "./impersonation";
import { gcpErrorCode, lastAttempt } from "./errors";
import { DESCRIPTION_ANNOTATION, metadataFor, serverFilter, tagsOf } from "./labels";

type Secret = protos.google.cloud.secretmanager.v1.ISecret;

/** Secrets per ListSecrets page (the service allows up to 25,000). */
export const GCP_LIST_PAGE_SIZE = 1000;
const SECRET_ID = { allowed: /[A-Za-z0-9_-]/, separator: "-", maxLength: 255 };

const errorCode = (e: unknown) => (e as { code?: unknown })?.code;

/**
 * The generated client drops google-gax's cancel handle, so an SDK call cannot be aborted: it ends at
 * its own deadline (`timeout`). Checking the signal first stops a scan from starting more pages.
 * A call that failed after retries reports its last attempt's error, whose message is readable.
 */
async function guarded<T>(signal: AbortSignal, start: () => Promise<T>): Promise<T> {
  signal.throwIfAborted();
  try {
    return await start();
  } catch (error) {
    throw lastAttempt(error);
  }
}

type Timestamp = protos.google.protobuf.ITimestamp | null | undefined;

/** A protobuf timestamp as a Date (milliseconds, as the index keeps them); null when absent. */
function dateOf(t: Timestamp): Date | null {
  const seconds = Number(t?.seconds ?? NaN);
  if (!Number.isFinite(seconds)) return null;
  return new Date(seconds * 1000 + Math.floor(Number(t?.nanos ?? 0) / 1e6));
}

/**
 * What ListSecrets tells of a secret: its creation time ("last changed" until its latest version is read on demand:
 * latestVersion), its expire time and its rotation schedule. The Secret resource has no latest version.
 */
function secretOf(s: Secret): RawSecret {
  const { tags, description } = tagsOf(s.labels as Record<string, string>, s.annotations as Record<string, string>);
  return {
    name:
      String(s.name ?? "")
        .split("/")
        .pop() ?? "",
    tags,
    description,
    updatedAt: dateOf(s.createTime),
    lifecycle: { expiresAt: dateOf(s.expireTime), nextRotationAt: dateOf(s.rotation?.nextRotationTime) },
  };
}

/** What writing needs, asked of testIamPermissions (which needs no permission and changes nothing). */
const WRITE_PERMISSIONS = [
  "secretmanager.versions.add",
  "secretmanager.secrets.update",
  "secretmanager.secrets.delete",
];

const GCP_READ_ONLY_POLICY = `Grant the service account only these roles on the project (or the secrets):
  roles/secretmanager.viewer          (secretmanager.secrets.list, secretmanager.secrets.get)
  roles/secretmanager.secretAccessor  (secretmanager.versions.access)
and remove roles that add versions or change secrets (roles/secretmanager.admin, roles/secretmanager.secretVersionAdder, roles/editor, roles/owner).`;

/** `pageSize` exists for tests that page through a handful of secrets. */
export function createGcpDriver(ctx: BackendContext, options: { pageSize?: number } = {}): TaggedDriver {
  const section = (ctx.document["google-secret-manager"] ?? {}) as GcpSection;
  const readOnly = ctx.document["read-only"];
  const filter = serverFilter(selectionRules(ctx), readOnly);
  const timeout = ctx.timeoutMs ?? 15_000;
  // Reads are retried once on UNAVAILABLE, after up to 100 ms, so a dead endpoint fails fast; writes never.
  // With retries google-gax takes each attempt's deadline from the backoff settings, and counts
  // attempts: maxRetries 2 is one call and one retry.
  const read = (ms = timeout): CallOptions => ({
    timeout: ms,
    retry: createRetryOptions([Status.UNAVAILABLE], createMaxRetriesBackoffSettings(100, 2, 400, ms, 1, ms, 2)),
  });
  const write: CallOptions = { timeout, retry: null };

  // With an egress policy the endpoint is resolved and checked before any channel exists (connectChecked).
  let connection: Promise<GcpConnection> | null = null;
  const conn = () =>
    (connection ??= ctx.egress ? connectChecked(section, ctx.egress) : Promise.resolve().then(() => connect(section)));
  let parentCache: Promise<string> | null = null;
  const parent = async (): Promise<string> => {
    const c = await conn();
    if (c.project) return `projects/${c.project}`;
    if (c.endpoint?.plaintext)
      throw new BackendError(
        "invalid-config",
        "Give the project id: a plaintext endpoint has no credentials to find it from.",
      );
    parentCache ??= c.auth.getProjectId().then(
      (p) => `projects/${p}`,
      (e: unknown) => {
        parentCache = null;
        throw new BackendError(
          "invalid-config",
          `Give the project id: Application Default Credentials do not name one (${(e as Error).message}).`,
        );
      },
    );
    return parentCache;
  };
  const target = `Google Secret Manager project ${section.project ?? "(from the credentials)"}`;
  const fullName = async (id: string) => `${await parent()}/secrets/${id}`;

  const addVersion = async (secretName: string, value: string, signal: AbortSignal) => {
    await guarded(signal, async () =>
      (await conn()).client.addSecretVersion(
        { parent: secretName, payload: { data: Buffer.from(value, "utf8") } },
        write,
      ),
    );
  };

  return {
    type: "google-secret-manager",
    target,

    async *scan(signal, budget: PageBudget, retry = noRetry) {
      const p = await parent();
      let pageToken: string | undefined;
      do {
        budget.spend();
        const request = {
          parent: p,
          pageSize: options.pageSize ?? GCP_LIST_PAGE_SIZE,
          pageToken,
          ...(filter ? { filter } : {}),
        };
        const [secrets, , response] = await retry(() =>
          guarded(signal, async () => (await conn()).client.listSecrets(request, { ...read(), autoPaginate: false })),
        );
        yield (secrets ?? []).map(secretOf);
        const next = response?.nextPageToken || undefined;
        // A server that ignores page tokens would otherwise send the same page forever.
        pageToken = next && next !== pageToken ? next : undefined;
      } while (pageToken);
    },

    async readValue(id, signal) {
      const name = `${await fullName(id)}/versions/latest`;
      try {
        const [access] = await guarded(signal, async () => (await conn()).client.accessSecretVersion({ name }, read()));
        const data = access.payload?.data;
        return typeof data === "string" ? data : Buffer.from(data ?? new Uint8Array()).toString("utf8");
      } catch (error) {
        const code = errorCode(error);
        if (
          code === Status.FAILED_PRECONDITION ||
          (code === Status.NOT_FOUND && /versions\/latest/.test(String((error as Error).message)))
        ) {
          throw new BackendError(
            "not-found",
            `Secret '${id}' has no enabled version: its latest version is disabled or destroyed, or it has none. Enable or add a version in Google Cloud.`,
          );
        }
        throw error;
      }
    },

    async latestVersion(id, signal) {
      // GetSecretVersion: the version's metadata (name, create_time, state), never its payload (AccessSecretVersion).
      const name = `${await fullName(id)}/versions/latest`;
      try {
        const [version] = await guarded(signal, async () =>
          (await conn()).client.getSecretVersion({ name }, read(ctx.timeoutMs ?? 5_000)),
        );
        const number = /\/versions\/(\d+)$/.exec(String(version.name ?? ""))?.[1];
        return number ? { version: number, createdAt: dateOf(version.createTime) } : null;
      } catch (error) {
        // No version at all: nothing to tell.
        if (errorCode(error) === Status.NOT_FOUND && /versions\/latest/.test(String((error as Error).message)))
          return null;
        throw error;
      }
    },

    async create(id, value, meta, signal) {
      const { labels, annotations } = metadataFor(meta.tags, meta.description);
      const p = await parent();
      const [secret] = await guarded(signal, async () =>
        (await conn()).client.createSecret(
          { parent: p, secretId: id, secret: { replication: { automatic: {} }, labels, annotations } },
          write,
        ),
      );
      try {
        await addVersion(String(secret.name), value, signal);
      } catch (error) {
        // A secret without a version would list but never resolve: take it back.
        await (await conn()).client.deleteSecret({ name: String(secret.name) }, write).catch(() => undefined);
        throw error;
      }
    },

    async update(id, patch, signal) {
      const name = await fullName(id);
      if (patch.tags !== undefined || patch.description !== undefined) {
        const [current] = await guarded(signal, async () => (await conn()).client.getSecret({ name }, read()));
        const annotations = (current.annotations ?? {}) as Record<string, string>;
        const description =
          patch.description !== undefined ? patch.description : annotations[DESCRIPTION_ANNOTATION] || null;
        let secret: Secret;
        let paths: string[];
        if (patch.tags !== undefined) {
          secret = { name, etag: current.etag, ...metadataFor(patch.tags, description) };
          paths = ["labels", "annotations"];
        } else {
          const others = { ...annotations };
          delete others[DESCRIPTION_ANNOTATION];
          secret = { name, etag: current.etag, annotations: metadataFor(others, description).annotations };
          paths = ["annotations"];
        }
        await guarded(signal, async () => (await conn()).client.updateSecret({ secret, updateMask: { paths } }, write));
      }
      if (patch.value !== undefined) await addVersion(name, patch.value, signal);
    },

    async remove(id, signal) {
      const name = await fullName(id);
      await guarded(signal, async () => (await conn()).client.deleteSecret({ name }, write));
    },

    async verify(signal) {
      if (section["impersonate-service-account"])
        await guarded(signal, async () => checkImpersonation((await conn()).auth, section));
      const p = await parent();
      try {
        await guarded(signal, async () =>
          (await conn()).client.listSecrets(
            { parent: p, pageSize: 1 },
            { ...read(ctx.timeoutMs ?? 5_000), autoPaginate: false },
          ),
        );
      } catch (error) {
        // A malformed parent is a setting problem here, not bad input.
        if (errorCode(error) === Status.INVALID_ARGUMENT)
          throw new BackendError("invalid-config", `${target}: ${(error as Error).message}`);
        throw error;
      }
      return `listed secrets in project ${p.slice("projects/".length)}`;
    },

    async describe(id, signal) {
      const name = await fullName(id);
      await guarded(signal, async () => (await conn()).client.getSecret({ name }, read(ctx.timeoutMs ?? 5_000)));
      return `read the metadata of '${id}' (GetSecret)`;
    },

    async canWrite(id, signal) {
      const resource = await fullName(id);
      const asked = [...WRITE_PERMISSIONS];
      const [answer] = await guarded(signal, async () =>
        (await conn()).client.testIamPermissions({ resource, permissions: asked }, read(ctx.timeoutMs ?? 5_000)),
      );
      const held = new Set(answer?.permissions ?? []);
      const missing = asked.filter((p) => !held.has(p));
      return missing.length === asked.length
        ? { write: false, detail: `testIamPermissions on '${id}': none of ${asked.join(", ")}` }
        : {
            write: true,
            detail: `testIamPermissions on '${id}': holds ${asked.filter((p) => held.has(p)).join(", ")}`,
          };
    },

    readOnlyPolicy: GCP_READ_ONLY_POLICY,

    nameFor: (ref) => managedName(ref, SECRET_ID),
    errorCode: gcpErrorCode,
  };
}
