// A Secrets tab page view on OpenBao reads no entry's data: KV v2 tells field names, description, tags and time
// from its subkeys endpoint, KV v1 (no metadata) and Keyhold-shaped entries (`value` holding JSON) offer
// "Show subkeys", which reads that one entry. Counted at a loopback proxy in front of OpenBao.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorsDisabled } from "../../support/emulators";
import { startCountingTcpProxy, type CountingProxy, type ProxiedRequest } from "../../support/counting-proxy";
import { expectNoValueReadsWhileListing } from "../../support/value-reads";
import {
  backend,
  document,
  env,
  guardLoopback,
  seedMany,
  targets,
  TENANT,
  uniqueBase,
} from "../../support/backends/vault";

guardLoopback();

let proxy: CountingProxy;
beforeAll(async () => {
  if (!emulatorsDisabled) proxy = await startCountingTcpProxy(env.addr);
});
afterAll(() => proxy?.close());

const pad = (i: number) => String(i).padStart(2, "0");

describe.skipIf(emulatorsDisabled).each(targets())("vault value reads ($name)", (t) => {
  // A GET of an entry's data: `<mount>/data/<path>` (KV v2), `<mount>/<path>` without `list` (KV v1).
  const isDataRead = (r: ProxiedRequest) =>
    r.method === "GET" &&
    (t.version === 2
      ? r.url.startsWith(`/v1/${t.mount}/data/`)
      : r.url.startsWith(`/v1/${t.mount}/`) && !/[?&]list=/.test(r.url));

  it("lists a page of 60 entries reading no data; 'Show subkeys' reads one entry, once", async () => {
    const base = uniqueBase("reads");
    await seedMany(t, [
      ...Array.from({ length: 30 }, (_, i): [string, Record<string, unknown>] => [
        `${base}/F${pad(i)}`,
        { user: "ops", password: `CANARY-field-${i}` },
      ]),
      ...Array.from({ length: 30 }, (_, i): [string, Record<string, unknown>] => [
        `${base}/J${pad(i)}`,
        { value: JSON.stringify({ host: "db.internal", port: `CANARY-${i}` }) },
      ]),
    ]);
    const b = backend(document(t, { "secret-path-prefix": base, address: proxy.url }), TENANT);
    const described = proxy.count((r) => r.url.startsWith(`/v1/${t.mount}/subkeys/`));
    const rows = await expectNoValueReadsWhileListing({
      backend: b,
      valueReads: () => proxy.count(isDataRead),
      namespace: "company",
      shown: { key: "J05", subkeys: ["host", "port"] },
    });
    expect(JSON.stringify(rows)).not.toContain("CANARY");
    // KV v2 shows field names from metadata: one subkeys request per entry per scan, kept in the index between views.
    expect(proxy.count((r) => r.url.startsWith(`/v1/${t.mount}/subkeys/`)) - described).toBe(t.version === 2 ? 60 : 0);
  });
});
