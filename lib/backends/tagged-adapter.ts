import "server-only";
import { createHash } from "node:crypto";
import type {
  BackendContext,
  IgnoreReason,
  ListQuery,
  SecretDetails,
  SecretPage,
  SecretRef,
  SecretsBackend,
  SecretSummary,
  UpdateInput,
  VerifyResult,
  WriteInput,
} from "./adapter";
import { findEgressRefusal } from "../net/egress";
import {
  backendMessage,
  BackendError,
  isBackendError,
  networkErrorCode,
  scrubMessage,
  withTimeout,
  type BackendErrorCode,
} from "./backend-error";
import {
  classify,
  isValidSecretKey,
  managedTags,
  ownedBy,
  type RawSecret,
  type Selected,
  type SelectionRules,
} from "./classify";
import { DEFAULT_PREFIX } from "./config-fields";
import { credentialPathsOf, splitCredentials } from "./document";
import { getPath } from "./document-path";
import { cachedSnapshot, decodeCursor, encodeCursor, invalidateSnapshots, PageBudget, pageSizeOf } from "./snapshot";
import { searchSecrets } from "./search";
import { compareKeys } from "./sort";
import { subkeysOf, valueOrSubkey } from "./subkeys";
import { subkeySourceOf, type ExternalBackendType } from "./descriptors";

/** What a tagged backend (AWS, Azure, Google) must provide; the selection rules, paging and read-only guard live here. */
export interface TaggedDriver {
  type: ExternalBackendType;
  /** Human name of the target for messages: "AWS Secrets Manager eu-west-1". */
  target: string;
  /** Yields the backend's pages in order; call budget.spend() once per page fetched. */
  scan(signal: AbortSignal, budget: PageBudget): AsyncIterable<RawSecret[]>;
  readValue(name: string, signal: AbortSignal): Promise<string>;
  create(
    name: string,
    value: string,
    meta: { description: string | null; tags: Record<string, string> },
    signal: AbortSignal,
  ): Promise<void>;
  /** `tags` is the complete new set; absent fields stay as they are. */
  update(
    name: string,
    patch: { value?: string; description?: string | null; tags?: Record<string, string> },
    signal: AbortSignal,
  ): Promise<void>;
  remove(name: string, signal: AbortSignal): Promise<void>;
  /** One cheap authenticated call; returns what was checked. */
  verify(signal: AbortSignal): Promise<string>;
  /** The backend name Keyhold gives a secret it writes. */
  nameFor(ref: { prefix: string; tenant: string; namespace: string; key: string }): string;
  /** SDK error → code, or null when unknown (then it becomes `unreachable` with the message). */
  errorCode(error: unknown): BackendErrorCode | null;
}

interface Entry {
  raw: RawSecret;
  selected: Selected;
}

interface Snapshot {
  entries: Entry[];
  ignored: Partial<Record<IgnoreReason, number>>;
}

const DEFAULT_TIMEOUT = 15_000;

function rulesOf(section: Record<string, unknown>, ctx: BackendContext): SelectionRules {
  const get = <T>(path: string) => getPath(section, path) as T | undefined;
  const fop = get<{ prefix: string; "keep-prefix"?: boolean }>("filter-on-prefix");
  return {
    prefix: get<string>("prefix") ?? DEFAULT_PREFIX,
    filterOnTags: get<Record<string, string>>("filter-on-tags.tags"),
    excludedTags: get<Record<string, string>>("excluded-tags.tags"),
    filterOnPrefix: fop ? { prefix: fop.prefix, keepPrefix: !!fop["keep-prefix"] } : undefined,
    attachment: ctx.attachment,
  };
}

export function selectionRules(ctx: BackendContext): SelectionRules {
  return rulesOf((ctx.document[ctx.document.type] ?? {}) as Record<string, unknown>, ctx);
}

/** Builds the one SecretsBackend implementation shared by the tagged backends. */
export function createTaggedBackend(driver: TaggedDriver, ctx: BackendContext): SecretsBackend {
  const section = (ctx.document[ctx.document.type] ?? {}) as Record<string, unknown>;
  const rules = rulesOf(section, ctx);
  const readOnly = ctx.document["read-only"];
  const timeout = ctx.timeoutMs ?? DEFAULT_TIMEOUT;
  const { settings, credentials } = splitCredentials(ctx.document);
  const credentialValues = credentialPathsOf(ctx.document.type).map((p) => credentials[p]);
  const identity = createHash("sha256")
    .update(JSON.stringify([settings, credentials, ctx.attachment]))
    .digest("hex")
    .slice(0, 24);
  const cacheKey = `${driver.type}:${identity}`;

  const fail = (error: unknown, what: string, extraSecrets: (string | undefined)[] = []): never => {
    // However deep the SDK wrapped it, a refusal by the egress policy is said in the policy's own words.
    const refusal = findEgressRefusal(error);
    if (refusal) throw new BackendError("forbidden", refusal.message);
    if (isBackendError(error))
      throw new BackendError(error.code, scrubMessage(error.message, [...credentialValues, ...extraSecrets]));
    const code = driver.errorCode(error) ?? networkErrorCode(error) ?? "unreachable";
    throw new BackendError(
      code,
      backendMessage(`${driver.target}: ${what} failed: `, (error as Error)?.message ?? String(error), [
        ...credentialValues,
        ...extraSecrets,
      ]),
    );
  };
  const call = async <T>(
    what: string,
    fn: (signal: AbortSignal) => Promise<T>,
    extra: (string | undefined)[] = [],
    ms = timeout,
  ): Promise<T> => {
    try {
      return await withTimeout(ms, `${driver.target} (${what})`, fn);
    } catch (error) {
      return fail(error, what, extra);
    }
  };
  const refuseWrites = () => {
    if (readOnly)
      throw new BackendError(
        "read-only",
        `${driver.target} is read-only: Keyhold does not create, change or delete its secrets.`,
      );
  };

  async function snapshot(refresh = false): Promise<Snapshot> {
    return cachedSnapshot(
      cacheKey,
      () =>
        call(
          "list",
          async (signal) => {
            const entries: Entry[] = [];
            const ignored: Partial<Record<IgnoreReason, number>> = {};
            const budget = new PageBudget(driver.target);
            for await (const page of driver.scan(signal, budget)) {
              for (const raw of page) {
                const c = classify(raw, rules);
                if (c.ok) entries.push({ raw, selected: c });
                else ignored[c.reason] = (ignored[c.reason] ?? 0) + 1;
              }
            }
            entries.sort((a, b) => compareKeys(a.selected.key, b.selected.key) || compareKeys(a.raw.name, b.raw.name));
            return { entries, ignored };
          },
          [],
          Math.max(timeout, 60_000),
        ),
      { refresh },
    );
  }

  async function locate(ref: SecretRef): Promise<Entry | undefined> {
    const snap = await snapshot();
    const own = snap.entries.filter(
      (e) => e.selected.key === ref.key && ownedBy(e.selected, ctx.attachment, ref.tenant, ref.namespace),
    );
    // A secret tagged with this exact namespace wins over one that belongs to the attachment scope.
    return own.find((e) => e.selected.namespace === ref.namespace) ?? own[0];
  }

  // Everything a row shows comes from the scan; subkeys are inside the value, so they are not known here.
  const details = (e: Entry): SecretDetails => ({
    key: e.selected.key,
    description: e.raw.description,
    tags: e.raw.tags,
    updatedAt: e.raw.updatedAt ? e.raw.updatedAt.toISOString() : null,
    subkeys: null,
  });
  const summary = (e: Entry): SecretSummary => ({
    ...details(e),
    namespace: e.selected.namespace,
    backend: driver.type,
  });
  const own = (snap: Snapshot, tenant: string, namespace: string) =>
    snap.entries.filter((e) => ownedBy(e.selected, ctx.attachment, tenant, namespace));

  return {
    type: driver.type,
    readOnly,
    subkeySource: subkeySourceOf(ctx.document),

    async list(query: ListQuery): Promise<SecretPage> {
      const snap = await snapshot(query.refresh);
      const mine = own(snap, query.tenant, query.namespace);
      const otherTenant =
        snap.entries.length -
        snap.entries.filter((e) => e.selected.tenant === null || e.selected.tenant === query.tenant).length;
      const wanted = query.keys ? new Set(query.keys) : null;
      const selected = wanted ? mine.filter((e) => wanted.has(e.selected.key)) : mine;
      const matching = searchSecrets(selected, query.search, (e) => ({ key: e.selected.key, tags: e.raw.tags }));
      const offset = decodeCursor(query.cursor);
      const size = pageSizeOf(query.pageSize);
      const items = matching.slice(offset, offset + size).map(summary);
      const ignored = { ...snap.ignored };
      if (otherTenant) ignored["other-tenant"] = (ignored["other-tenant"] ?? 0) + otherTenant;
      return {
        items,
        total: matching.length,
        nextCursor: offset + size < matching.length ? encodeCursor(offset + size) : null,
        ignored,
      };
    },

    async describe(query): Promise<SecretDetails[]> {
      const wanted = new Set(query.keys);
      return own(await snapshot(), query.tenant, query.namespace)
        .filter((e) => wanted.has(e.selected.key))
        .map(details);
    },

    async subkeys(ref: SecretRef): Promise<string[]> {
      const entry = await locate(ref);
      if (!entry) throw new BackendError("not-found", `Cannot find secret for key '${ref.key}'.`);
      return subkeysOf(await call("read", (s) => driver.readValue(entry.raw.name, s)));
    },

    async read(ref: SecretRef, subkey?: string): Promise<string> {
      const entry = await locate(ref);
      if (!entry) throw new BackendError("not-found", `Cannot find secret for key '${ref.key}'.`);
      const value = await call("read", (s) => driver.readValue(entry.raw.name, s));
      return valueOrSubkey(ref.key, value, subkey);
    },

    async write(input: WriteInput): Promise<void> {
      refuseWrites();
      if (!isValidSecretKey(input.key))
        throw new BackendError("invalid-input", `'${input.key}' is not a valid secret key.`);
      if (await locate(input))
        throw new BackendError("conflict", `A secret with key '${input.key}' already exists in ${input.namespace}.`);
      const name = driver.nameFor({ ...input, prefix: rules.prefix });
      const tags = managedTags(
        { ...input, prefix: rules.prefix },
        section.tags as Record<string, string> | undefined,
        input.tags,
      );
      await call(
        "create",
        (s) => driver.create(name, input.value, { description: input.description ?? null, tags }, s),
        [input.value],
      );
      invalidateSnapshots(cacheKey);
    },

    async update(input: UpdateInput): Promise<void> {
      refuseWrites();
      const entry = await locate(input);
      if (!entry) throw new BackendError("not-found", `Cannot find secret for key '${input.key}'.`);
      const tags = input.tags
        ? managedTags(
            { ...input, prefix: rules.prefix },
            section.tags as Record<string, string> | undefined,
            input.tags,
          )
        : undefined;
      await call(
        "update",
        (s) => driver.update(entry.raw.name, { value: input.value, description: input.description, tags }, s),
        [input.value],
      );
      invalidateSnapshots(cacheKey);
    },

    async delete(ref: SecretRef): Promise<void> {
      refuseWrites();
      const entry = await locate(ref);
      if (!entry) throw new BackendError("not-found", `Cannot find secret for key '${ref.key}'.`);
      await call("delete", (s) => driver.remove(entry.raw.name, s));
      invalidateSnapshots(cacheKey);
    },

    async verify(): Promise<VerifyResult> {
      const started = performance.now();
      const checked = await call("verify", (s) => driver.verify(s), [], ctx.timeoutMs ?? 5_000);
      return { status: "ok", latencyMs: Math.round(performance.now() - started), checked };
    },
  };
}
