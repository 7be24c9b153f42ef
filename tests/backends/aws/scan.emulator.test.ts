// The real SDK against a scripted local Secrets Manager endpoint: what Keyhold sends to ListSecrets
// (Filters, paging, IncludePlannedDeletion) and how it follows pages that real AWS may return short or empty.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Attachment } from "../../../lib/backends/adapter";
import { parseConfigDocument, type ConfigDocument } from "../../../lib/backends/document";
import { MAX_BACKEND_PAGES } from "../../../lib/backends/page-budget";
import { createAwsBackend as createAdapter } from "../../../lib/backends/aws/adapter";
import { listable } from "../../support/scan-list";

/** The adapter, with a list computed from its scan (tests/support/scan-list.ts). */
const createAwsBackend = (ctx: Parameters<typeof createAdapter>[0]) => listable(createAdapter(ctx), ctx.attachment);

type Page = { SecretList: unknown[]; NextToken?: string };
const TENANT: Attachment = { tenant: "acme", namespace: null };
const requests: { target: string; body: Record<string, unknown> }[] = [];
let answer: (body: Record<string, unknown>) => Page = () => ({ SecretList: [] });
let server: http.Server;
let endpoint = "";

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const body = JSON.parse(raw || "{}") as Record<string, unknown>;
      requests.push({ target: String(req.headers["x-amz-target"]), body });
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1" }).end(JSON.stringify(answer(body)));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

let seq = 0;
function configure(section: Record<string, unknown>, readOnly: boolean) {
  // A distinct prefix per test keeps the list snapshots of different tests apart.
  const raw = {
    type: "aws-secret-manager",
    "read-only": readOnly,
    "aws-secret-manager": {
      region: "eu-west-1",
      "endpoint-override": endpoint,
      "access-key-id": "AKIATEST",
      "secret-key-id": "test-secret",
      prefix: `p${++seq}`,
      ...section,
    },
  };
  const parsed = parseConfigDocument(raw, { unknownKeys: "error" });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return {
    backend: createAwsBackend({ document: parsed.document as ConfigDocument, attachment: TENANT }),
    prefix: `p${seq}`,
  };
}

const entry = (name: string, prefix: string, key: string) => ({
  Name: name,
  Tags: [
    { Key: "namespace", Value: "company" },
    { Key: "key", Value: key },
    { Key: "prefix", Value: prefix },
  ],
});

describe("aws-secret-manager: ListSecrets requests", () => {
  it("follows NextToken through empty and short pages, one request per page", async () => {
    const { backend, prefix } = configure({}, true);
    const pages: Record<string, Page> = {
      "": { SecretList: [], NextToken: "t1" },
      t1: { SecretList: [entry("one", prefix, "ONE")], NextToken: "t2" },
      t2: { SecretList: [], NextToken: "t3" },
      t3: { SecretList: [entry("two", prefix, "TWO")] },
    };
    answer = (body) => pages[String(body.NextToken ?? "")];
    requests.length = 0;
    const page = await backend.list({ tenant: "acme", namespace: "company" });
    expect(page.items.map((s) => s.key)).toEqual(["ONE", "TWO"]);
    expect(requests.map((r) => r.body.NextToken ?? null)).toEqual([null, "t1", "t2", "t3"]);
    expect(
      requests.every(
        (r) =>
          r.target === "secretsmanager.ListSecrets" &&
          r.body.MaxResults === 100 &&
          r.body.IncludePlannedDeletion === false,
      ),
    ).toBe(true);
  });

  it("asks for the next page while the consumer (the index) writes the current one, and no further", async () => {
    const { backend, prefix } = configure({}, true);
    const pages: Record<string, Page> = {
      "": { SecretList: [entry("one", prefix, "ONE")], NextToken: "t1" },
      t1: { SecretList: [entry("two", prefix, "TWO")], NextToken: "t2" },
      t2: { SecretList: [entry("three", prefix, "THREE")] },
    };
    answer = (body) => pages[String(body.NextToken ?? "")];
    requests.length = 0;
    const scan = backend.scan()[Symbol.asyncIterator]();
    expect((await scan.next()).value?.map((e: { key: string | null }) => e.key)).toEqual(["ONE"]);
    // The consumer holds page one: page two's request is made meanwhile, page three's is not.
    await new Promise((r) => setTimeout(r, 200));
    expect(requests.map((r) => r.body.NextToken ?? null)).toEqual([null, "t1"]);
    expect((await scan.next()).value?.map((e: { key: string | null }) => e.key)).toEqual(["TWO"]);
    expect((await scan.next()).value?.map((e: { key: string | null }) => e.key)).toEqual(["THREE"]);
    expect((await scan.next()).done).toBe(true);
    expect(requests.map((r) => r.body.NextToken ?? null)).toEqual([null, "t1", "t2"]);
  });

  it("stops a scan that never ends with too-many-secrets", async () => {
    const { backend } = configure({}, true);
    answer = (body) => ({ SecretList: [], NextToken: `${String(body.NextToken ?? "")}x`.slice(-50) });
    requests.length = 0;
    await expect(backend.list({ tenant: "acme", namespace: "company" })).rejects.toMatchObject({
      code: "too-many-secrets",
    });
    expect(requests).toHaveLength(MAX_BACKEND_PAGES);
  });

  it.each([
    ["read-only tag mode sends no filter (ignored secrets are counted)", {}, true, undefined],
    ["managed tag mode narrows to the prefix tag", {}, false, "PREFIX"],
    [
      "filter-on-prefix sends the name prefix",
      { "filter-on-prefix": { prefix: "prod/app_" } },
      true,
      [{ Key: "name", Values: ["prod/app_"] }],
    ],
    [
      "filter-on-tags sends one pair as tag-key + tag-value",
      { "filter-on-tags": { tags: { team: "core", application: "kestra-production" } } },
      true,
      [
        { Key: "tag-key", Values: ["application"] },
        { Key: "tag-value", Values: ["kestra-production"] },
      ],
    ],
    [
      "a value AWS cannot filter on (or a leading !) is left to the exact check",
      { "filter-on-tags": { tags: { "!team": "core", env: "prüfung" } } },
      true,
      undefined,
    ],
    ["excluded-tags is never sent", { "excluded-tags": { env: "dev" } }, true, undefined],
  ])("%s", async (_title, section, readOnly, expected) => {
    const { backend, prefix } = configure(section, readOnly as boolean);
    answer = () => ({ SecretList: [] });
    requests.length = 0;
    await backend.list({ tenant: "acme", namespace: "company" });
    const filters =
      expected === "PREFIX"
        ? [
            { Key: "tag-key", Values: ["prefix"] },
            { Key: "tag-value", Values: [prefix] },
          ]
        : expected;
    expect(requests.map((r) => r.body.Filters)).toEqual([filters]);
  });

  it("verify checks access with one ListSecrets call of MaxResults 1, then looks for a secret to probe (none here)", async () => {
    requests.length = 0;
    const result = await configure({}, true).backend.verify();
    expect(result).toMatchObject({ status: "ok", checked: "listed secrets in eu-west-1" });
    // The capability probe lists one page for a secret the configuration selects; with none, nothing is described or read.
    expect(requests.map((r) => [r.target, r.body.MaxResults])).toEqual([
      ["secretsmanager.ListSecrets", 1],
      ["secretsmanager.ListSecrets", 100],
    ]);
  });
});
