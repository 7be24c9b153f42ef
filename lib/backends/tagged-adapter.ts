import "server-only";
import type {
  BackendContext,
  IndexedSecret,
  LatestVersion,
  SecretRef,
  SecretsBackend,
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
import { PageBudget } from "./page-budget";
import { retryThrottled } from "./retry";
import { subkeysOf, valueOrSubkey } from "./subkeys";
import { subkeySourceOf, type ExternalBackendType } from "./descriptors";
import type { DriverSoftDelete } from "./soft-delete";
import { taggedSoftDelete } from "./tagged-soft-delete";
import { finishReport, type CapabilityReport, type CapabilityRow } from "./capabilities";
import { probe } from "./probe";

/** What a tagged backend (AWS, Azure, Google) must provide; the selection rules, paging and read-only guard live here. */
export interface TaggedDriver {
  type: ExternalBackendType;
  /** Human name of the target for messages: "AWS Secrets Manager eu-west-1". */
  target: string;
  /**
   * Yields the backend's pages in order; call budget.spend() once per page fetched, and fetch each page through
   * `retry` so that a throttled page is asked again (the scan resumes there rather than restarting).
   */
  scan(signal: AbortSignal, budget: PageBudget, retry?: PageRetry): AsyncIterable<RawSecret[]>;
  readValue(name: string, signal: AbortSignal): Promise<string>;
  /** The latest version's number and creation time from its metadata, no value (Google); null: it has none. */
  latestVersion?(name: string, signal: AbortSignal): Promise<LatestVersion | null>;
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
  /** Verify's "describe one secret": its metadata without its value. Absent: the list's metadata is the description. */
  describe?(name: string, signal: AbortSignal): Promise<string>;
  /** Whether the credential may write, from a side-effect-free permission check. Absent: unknown. */
  canWrite?(name: string, signal: AbortSignal): Promise<{ write: boolean; detail: string }>;
  /** The read-only grant to recommend when a read-only configuration's credential can write. */
  readOnlyPolicy?: string;
  /** The backend name Keyhold gives a secret it writes. */
  nameFor(ref: { prefix: string; tenant: string; namespace: string; key: string }): string;
  /** SDK error → code, or null when unknown (then it becomes `unreachable` with the message). */
  errorCode(error: unknown): BackendErrorCode | null;
  /** Present when the backend keeps deleted secrets recoverable (tagged-soft-delete.ts). */
  softDelete?: DriverSoftDelete;
}

/** Fetches one page, asking again while the backend throttles, inside the page's time budget. */
export type PageRetry = <T>(fetch: () => Promise<T>) => Promise<T>;
/** No retry: what a driver's scan does when called without one (its own tests). */
export const noRetry: PageRetry = (fetch) => fetch();

interface Entry {
  raw: RawSecret;
  selected: Selected;
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
  const { credentials } = splitCredentials(ctx.document);
  const credentialValues = credentialPathsOf(ctx.document.type).map((p) => credentials[p]);

  const isThrottled = (error: unknown) => driver.errorCode(error) === "throttled";
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
      return await withTimeout(ms, `${driver.target} (${what})`, (signal) =>
        retryThrottled(() => fn(signal), { budgetMs: ms, signal, isThrottled }),
      );
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

  /** The index entry of a backend secret, selected or not. */
  const indexed = (raw: RawSecret): IndexedSecret => {
    const c = classify(raw, rules);
    return {
      backendName: raw.name,
      key: c.ok ? c.key : null,
      namespace: c.ok ? c.namespace : (raw.tags?.namespace ?? null),
      tenantTag: c.ok ? c.tenant : (raw.tags?.tenant ?? null),
      description: raw.description,
      tags: raw.tags ?? {},
      // Subkeys are inside the value: only "Show subkeys" tells them.
      subkeys: null,
      updatedAt: raw.updatedAt ? raw.updatedAt.toISOString() : null,
      version: null,
      ignored: c.ok ? null : c.reason,
      ...(raw.lifecycle ? { lifecycle: raw.lifecycle } : {}),
    };
  };

  /**
   * Verify's capability table after the list succeeded: describe and read one secret this configuration can see (the
   * value is dropped here, never returned), and the write permission where the backend can tell it without a write.
   */
  async function capabilities(checked: string): Promise<CapabilityReport> {
    const ms = ctx.timeoutMs ?? 5_000;
    const rows: CapabilityRow[] = [
      { operation: "authenticate", outcome: "yes", detail: "the credential was accepted" },
      { operation: "list", outcome: "yes", detail: checked },
    ];
    const found = await call(
      "list",
      async (signal) => {
        let pages = 0;
        for await (const page of driver.scan(signal, new PageBudget(driver.target))) {
          for (const raw of page) {
            const c = classify(raw, rules);
            if (c.ok) return { name: raw.name, key: c.key };
          }
          if (++pages >= 3) break;
        }
        return null;
      },
      [],
      ms,
    ).catch(() => null);
    if (!found) {
      const none = "no secret this configuration can see to try";
      rows.push({ operation: "describe", outcome: "unknown", detail: none });
      rows.push({ operation: "read", outcome: "unknown", detail: none });
    } else {
      rows.push(
        driver.describe
          ? await probe("describe", () => call("describe", (s) => driver.describe!(found.name, s), [], ms))
          : { operation: "describe", outcome: "yes", detail: "the list returns each secret's metadata" },
      );
      rows.push(
        await probe("read", async () => {
          await call("read", (s) => driver.readValue(found.name, s), [], ms);
          return `read the value of '${found.key}' (not shown)`;
        }),
      );
    }
    rows.push(
      driver.canWrite && found
        ? await probe("write", async () => {
            const answer = await call("permissions", (s) => driver.canWrite!(found.name, s), [], ms);
            if (!answer.write) throw new BackendError("forbidden", answer.detail);
            return answer.detail;
          })
        : {
            operation: "write",
            outcome: "unknown",
            detail: readOnly
              ? `${driver.target} has no side-effect-free write check; the configuration is read-only, so Keyhold never writes`
              : `${driver.target} has no side-effect-free write check: the first secret created through Keyhold tells`,
          },
    );
    return finishReport(rows, { readOnly, readOnlyPolicy: driver.readOnlyPolicy ?? null });
  }

  /** Every page of the backend, classified; the whole scan shares one deadline (at least a minute). */
  async function* scan(): AsyncIterable<IndexedSecret[]> {
    const budget = new PageBudget(driver.target);
    const controller = new AbortController();
    const deadline = Math.max(timeout, 60_000) * 10;
    const timer = setTimeout(() => controller.abort(), deadline);
    // Each page's retries fit in its own time budget (the one withTimeout gives pages.next() below).
    const retry: PageRetry = (fetch) =>
      retryThrottled(fetch, { budgetMs: timeout, signal: controller.signal, isThrottled });
    const pages = driver.scan(controller.signal, budget, retry)[Symbol.asyncIterator]();
    const fetchNext = () => {
      const page = withTimeout(timeout, `${driver.target} (list)`, () => pages.next());
      // Awaited below; a prefetched page the consumer no longer wants must not count as unhandled.
      page.catch(() => undefined);
      return page;
    };
    try {
      let ahead = fetchNext();
      for (;;) {
        let next: IteratorResult<RawSecret[]>;
        try {
          next = await ahead;
        } catch (error) {
          return fail(error, "list");
        }
        if (next.done) return;
        // The next page's request runs while the consumer (the index) writes this one.
        ahead = fetchNext();
        yield next.value.map(indexed);
      }
    } finally {
      clearTimeout(timer);
      // A consumer that stopped early (locate found its secret) leaves no request running.
      controller.abort();
    }
  }

  /** The secret `ref` names: the one the index found, or (without it) the first the backend's scan selects. */
  async function locate(ref: SecretRef): Promise<Entry | undefined> {
    if (ref.found) {
      const selected: Selected = {
        ok: true,
        key: ref.key,
        namespace: ref.found.namespace,
        tenant: ref.found.tenantTag,
      };
      if (!ownedBy(selected, ctx.attachment, ref.tenant, ref.namespace)) return undefined;
      return { raw: { name: ref.found.backendName, tags: {}, description: null, updatedAt: null }, selected };
    }
    let attached: Entry | undefined;
    for await (const page of scan()) {
      for (const e of page) {
        if (e.key !== ref.key || e.ignored) continue;
        const selected: Selected = { ok: true, key: e.key, namespace: e.namespace, tenant: e.tenantTag };
        if (!ownedBy(selected, ctx.attachment, ref.tenant, ref.namespace)) continue;
        const entry = {
          raw: { name: e.backendName, tags: e.tags, description: e.description, updatedAt: null },
          selected,
        };
        // A secret tagged with this exact namespace wins over one that belongs to the attachment scope.
        if (e.namespace === ref.namespace) return entry;
        attached ??= entry;
      }
    }
    return attached;
  }

  const written = (
    name: string,
    selected: Pick<Selected, "key" | "namespace" | "tenant">,
    meta: { description: string | null; tags: Record<string, string> },
  ): IndexedSecret => ({
    backendName: name,
    key: selected.key,
    namespace: selected.namespace,
    tenantTag: selected.tenant,
    description: meta.description,
    tags: meta.tags,
    subkeys: null,
    updatedAt: new Date().toISOString(),
    version: null,
    ignored: null,
  });

  return {
    type: driver.type,
    readOnly,
    subkeySource: subkeySourceOf(ctx.document),

    scan,

    async subkeys(ref: SecretRef): Promise<string[]> {
      const entry = await locate(ref);
      if (!entry) throw new BackendError("not-found", `Cannot find secret for key '${ref.key}'.`);
      return subkeysOf(await call("read", (s) => driver.readValue(entry.raw.name, s)));
    },

    ...(driver.latestVersion
      ? {
          async latestVersion(ref: SecretRef): Promise<LatestVersion | null> {
            const entry = await locate(ref);
            if (!entry) throw new BackendError("not-found", `Cannot find secret for key '${ref.key}'.`);
            return call("version metadata", (s) => driver.latestVersion!(entry.raw.name, s));
          },
        }
      : {}),

    async read(ref: SecretRef, subkey?: string): Promise<string> {
      const entry = await locate(ref);
      if (!entry) throw new BackendError("not-found", `Cannot find secret for key '${ref.key}'.`);
      const value = await call("read", (s) => driver.readValue(entry.raw.name, s));
      return valueOrSubkey(ref.key, value, subkey);
    },

    async write(input: WriteInput): Promise<IndexedSecret> {
      refuseWrites();
      if (!isValidSecretKey(input.key))
        throw new BackendError("invalid-input", `'${input.key}' is not a valid secret key.`);
      // A second secret with the same name is refused by the backend itself (conflict); the index checks the key first.
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
      // Classified as a scan would classify it, so the row written through is the row the next scan finds.
      return indexed({ name, tags, description: input.description ?? null, updatedAt: new Date() });
    },

    async update(input: UpdateInput & Pick<SecretRef, "found">): Promise<IndexedSecret> {
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
      const description = input.description !== undefined ? input.description : entry.raw.description;
      // With its new tags, classified as a scan would (a tag change may move or hide it); else as it was found.
      return tags
        ? indexed({ name: entry.raw.name, tags, description, updatedAt: new Date() })
        : written(entry.raw.name, entry.selected, { description, tags: entry.raw.tags });
    },

    async delete(ref: SecretRef): Promise<{ backendName: string }> {
      refuseWrites();
      const entry = await locate(ref);
      if (!entry) throw new BackendError("not-found", `Cannot find secret for key '${ref.key}'.`);
      await call("delete", (s) => driver.remove(entry.raw.name, s));
      return { backendName: entry.raw.name };
    },

    async verify(): Promise<VerifyResult> {
      const started = performance.now();
      const checked = await call("verify", (s) => driver.verify(s), [], ctx.timeoutMs ?? 5_000);
      const latencyMs = Math.round(performance.now() - started);
      return { status: "ok", latencyMs, checked, capabilities: await capabilities(checked) };
    },

    ...(driver.softDelete
      ? { softDelete: taggedSoftDelete(driver.softDelete, { call, refuseWrites, indexed, rules, ctx }) }
      : {}),
  };
}
