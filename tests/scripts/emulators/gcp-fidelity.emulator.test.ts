// The Google Secret Manager fake against the service's published contract (google/cloud/secretmanager/v1
// resources.proto and service.proto, AIP-154 for etags), through the official Node SDK: status codes, paging
// tokens, label and annotation rules, etag conflicts. docs/emulators.md lists the differences that remain.
import { Status } from "google-gax";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFake, type FakeInstance } from "../../support/backends/gcp";

let fake: FakeInstance;
const parent = "projects/fidelity";
const secret = { replication: { automatic: {} } };

beforeAll(async () => {
  fake = await startFake([]);
});
afterAll(() => fake?.stop());

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a gRPC error");
    },
    (e: { code: number; details: string }) => e,
  );

describe("gcp-sm-fake fidelity (official SDK)", () => {
  it("pages with next_page_token and refuses a token it did not issue", async () => {
    for (const id of ["p1", "p2", "p3", "p4", "p5"]) await fake.client.createSecret({ parent, secretId: id, secret });
    const seen: string[] = [];
    let pageToken = "";
    let pages = 0;
    do {
      const [items, , response] = await fake.client.listSecrets(
        { parent, pageSize: 2, pageToken },
        { autoPaginate: false },
      );
      seen.push(...items.map((s) => s.name!.split("/").pop()!));
      pageToken = response?.nextPageToken ?? "";
      pages++;
    } while (pageToken);
    expect(seen).toEqual(["p1", "p2", "p3", "p4", "p5"]);
    expect(pages).toBe(3);
    const bad = await rejection(
      fake.client.listSecrets({ parent, pageSize: 2, pageToken: "not-a-token" }, { autoPaginate: false }),
    );
    expect(bad.code).toBe(Status.INVALID_ARGUMENT);
    // page_size 0 or above 25000: the server decides (the fake caps at 25000 as the proto says), one page here.
    const [all, , last] = await fake.client.listSecrets({ parent, pageSize: 30_000 }, { autoPaginate: false });
    expect(all).toHaveLength(5);
    expect(last?.nextPageToken ?? "").toBe("");
  });

  it("applies the label rules of resources.proto: lowercase keys of 1-63 characters, at most 64 labels", async () => {
    const create = (secretId: string, labels: Record<string, string>) =>
      fake.client.createSecret({ parent, secretId, secret: { ...secret, labels } });
    for (const [id, labels] of [
      ["upper", { API: "x" }],
      ["digit-first", { "1abc": "x" }],
      ["long-key", { ["k".repeat(64)]: "x" }],
      ["long-value", { k: "v".repeat(64) }],
      ["upper-value", { k: "X" }],
      ["too-many", Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"]))],
    ] as const) {
      const e = await rejection(create(id, labels));
      expect(e.code, id).toBe(Status.INVALID_ARGUMENT);
    }
    await create("ok-labels", {
      ["k".repeat(63)]: "v".repeat(63),
      ...Object.fromEntries(Array.from({ length: 63 }, (_, i) => [`k${i}`, ""])),
    });
  });

  it("applies the annotation rules: keys of 1-63 characters, keys and values under 16 KiB in total", async () => {
    const create = (secretId: string, annotations: Record<string, string>) =>
      fake.client.createSecret({ parent, secretId, secret: { ...secret, annotations } });
    expect((await rejection(create("ann-big", { a: "x".repeat(16 * 1024) }))).code).toBe(Status.INVALID_ARGUMENT);
    expect((await rejection(create("ann-key", { "-dash-first": "x" }))).code).toBe(Status.INVALID_ARGUMENT);
    await create("ann-ok", { "Mixed.Case_key-1": "Any text, even UPPER case" });
  });

  it("answers a stale etag on update and delete with ABORTED, and the current one succeeds", async () => {
    const [created] = await fake.client.createSecret({ parent, secretId: "etag", secret });
    const [updated] = await fake.client.updateSecret({
      secret: { name: created.name, labels: { a: "1" }, etag: created.etag },
      updateMask: { paths: ["labels"] },
    });
    expect(updated.etag).not.toBe(created.etag);
    const stale = await rejection(
      fake.client.updateSecret({
        secret: { name: created.name, labels: { a: "2" }, etag: created.etag },
        updateMask: { paths: ["labels"] },
      }),
    );
    expect(stale.code).toBe(Status.ABORTED);
    expect((await rejection(fake.client.deleteSecret({ name: created.name, etag: created.etag }))).code).toBe(
      Status.ABORTED,
    );
    await fake.client.deleteSecret({ name: created.name, etag: updated.etag });
  });

  it("answers NOT_FOUND, ALREADY_EXISTS and INVALID_ARGUMENT where the service does", async () => {
    const missing = await rejection(fake.client.getSecret({ name: `${parent}/secrets/nope` }));
    expect(missing.code).toBe(Status.NOT_FOUND);
    expect(missing.details).toContain(`Secret [${parent}/secrets/nope] not found`);
    await fake.client.createSecret({ parent, secretId: "twice", secret });
    expect((await rejection(fake.client.createSecret({ parent, secretId: "twice", secret }))).code).toBe(
      Status.ALREADY_EXISTS,
    );
    expect((await rejection(fake.client.createSecret({ parent, secretId: "bad.name", secret }))).code).toBe(
      Status.INVALID_ARGUMENT,
    );
    expect((await rejection(fake.client.createSecret({ parent, secretId: "x".repeat(256), secret }))).code).toBe(
      Status.INVALID_ARGUMENT,
    );
  });
});
