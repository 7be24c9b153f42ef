// Test kit for the secrets index (lib/secrets/index): entry builders, page generators, a scan the test steps through,
// and the in-memory pipeline (ownedBy, nearest wins, matchesSearch, compareKeys) the SQL must agree with.
import type { IndexedSecret } from "../../lib/secrets/index/store";
import type { IndexRow, LineageEntry } from "../../lib/secrets/index/query";
import { matchesSearch } from "../../lib/backends/search";
import { compareKeys } from "../../lib/backends/sort";

export function secret(key: string, more: Partial<IndexedSecret> = {}): IndexedSecret {
  return {
    backendName: more.backendName ?? `${more.namespace ?? "*"}/${key}`,
    key,
    namespace: null,
    tenantTag: null,
    description: null,
    tags: {},
    subkeys: null,
    updatedAt: null,
    version: null,
    ignored: null,
    ...more,
  };
}

/** Pages of `size` from a list, lazily; `onPage` sees each page index before it is handed out. */
export async function* pagesOf(
  items: Iterable<IndexedSecret>,
  size: number,
  onPage?: (index: number) => void | Promise<void>,
): AsyncIterable<IndexedSecret[]> {
  let pageNo = 0;
  let page: IndexedSecret[] = [];
  for (const item of items) {
    page.push(item);
    if (page.length === size) {
      await onPage?.(pageNo++);
      yield page;
      page = [];
    }
  }
  if (page.length) {
    await onPage?.(pageNo++);
    yield page;
  }
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * A scan whose pages the test releases one at a time: `step()` lets the next page through and resolves once the
 * store wrote it (asked for the one after; after the last, the refresh still has to finish); `fail(error)` makes the next page throw instead. `calls` counts scans.
 */
export function steppedScan(pages: IndexedSecret[][]) {
  const gates = pages.map(() => deferred());
  const written = pages.map(() => deferred());
  let failure: unknown = null;
  let next = 0;
  const state = { calls: 0 };
  async function* scan(): AsyncIterable<IndexedSecret[]> {
    state.calls++;
    try {
      for (let i = 0; i < pages.length; i++) {
        await gates[i].promise;
        if (failure) throw failure;
        yield pages[i];
        written[i].resolve();
      }
    } finally {
      // The store stopped asking (lost lease, failure): nothing more will be written.
      for (const w of written) w.resolve();
    }
  }
  return {
    scan,
    get calls() {
      return state.calls;
    },
    async step() {
      const i = next++;
      gates[i].resolve();
      await written[i].promise;
    },
    fail(error: unknown) {
      failure = error;
      gates[next++].resolve();
    },
  };
}

/** A deterministic random source (mulberry32), so a failing seed can be replayed. */
export function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
  };
}

type Row = Pick<IndexRow, "key" | "namespace" | "source" | "inherited" | "sourceKey" | "backendName"> & {
  tags: Record<string, string>;
  updatedAt: string | null;
};

const ownedBy = (s: IndexedSecret, l: Omit<LineageEntry, "depth">, tenant: string) =>
  s.key !== null &&
  !s.ignored &&
  (s.tenantTag === null || s.tenantTag === tenant) &&
  (s.namespace !== null
    ? s.namespace === l.namespace
    : l.attachmentNamespace === null || l.attachmentNamespace === l.namespace);

const rowOf = (s: IndexedSecret, l: Omit<LineageEntry, "depth">, inherited: boolean): Row => ({
  key: s.key!,
  namespace: s.namespace,
  source: l.namespace,
  inherited,
  sourceKey: l.sourceKey,
  backendName: s.backendName,
  tags: s.tags,
  updatedAt: s.updatedAt === null ? null : new Date(s.updatedAt).toISOString(),
});

const byName = (a: IndexedSecret, b: IndexedSecret) =>
  a.backendName < b.backendName ? -1 : a.backendName > b.backendName ? 1 : 0;

/** namespace-secrets.ts's collect(): merge (nearest wins), search, sort — on plain arrays. */
export function expectedRows(
  sources: Map<string, IndexedSecret[]>,
  tenant: string,
  lineage: LineageEntry[] | null,
  tenantWide: Omit<LineageEntry, "depth">[] | null,
  query: { search?: string; sort?: "key" | "namespace" | "updated"; dir?: "asc" | "desc" },
): Row[] {
  const merged = new Map<string, Row>();
  if (lineage) {
    for (const l of [...lineage].sort((a, b) => a.depth - b.depth)) {
      const items = (sources.get(l.sourceKey) ?? []).filter((s) => ownedBy(s, l, tenant));
      // Within one source, a secret of the namespace itself before one of the attachment scope; then by backend
      // name (the backend's own list order, which the index does not keep).
      items.sort((a, b) => Number(a.namespace === null) - Number(b.namespace === null) || byName(a, b));
      for (const s of items) if (!merged.has(s.key!)) merged.set(s.key!, rowOf(s, l, l.depth > 0));
    }
  } else {
    for (const l of tenantWide!) {
      for (const s of (sources.get(l.sourceKey) ?? []).filter((x) => ownedBy(x, l, tenant)).sort(byName)) {
        const id = `${s.namespace ?? "*"}/${s.key}/${l.sourceKey}`;
        if (!merged.has(id)) merged.set(id, rowOf(s, l, false));
      }
    }
  }
  const rows = [...merged.values()].filter((r) => matchesSearch(r, query.search));
  const dir = query.dir === "desc" ? -1 : 1;
  const sort = query.sort ?? (lineage ? "key" : "namespace");
  rows.sort((a, b) => {
    const primary =
      sort === "namespace"
        ? compareKeys(a.source, b.source)
        : sort === "updated"
          ? compareKeys(a.updatedAt ?? "", b.updatedAt ?? "")
          : 0;
    return dir * (primary || compareKeys(a.key, b.key));
  });
  return rows;
}
