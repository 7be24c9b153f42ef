// Test-only: Google-specific checks run by tests/backends/gcp/gcp.emulator.test.ts against gcp-sm-fake, beside the shared contract.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { parseConfigDocument, type ConfigDocument } from "../../../lib/backends/document";
import { PageBudget } from "../../../lib/backends/page-budget";
import { closeGcpClients } from "../../../lib/backends/gcp/client";
import { createGcpDriver } from "../../../lib/backends/gcp/driver";
import { sdkClient, type GcpWorld } from "./gcp";
import { listable, type ListableBackend } from "../scan-list";

/** Validates a test document as a form would (`error`) or as the configuration file does (`warn`). */
export function parseDoc(
  section: Record<string, unknown>,
  readOnly: boolean,
  mode: "error" | "warn" = "error",
): ConfigDocument {
  const parsed = parseConfigDocument(
    { type: "google-secret-manager", "read-only": readOnly, "google-secret-manager": section },
    { unknownKeys: mode },
  );
  if (!parsed.ok) throw new Error(`test document is invalid: ${JSON.stringify(parsed.errors)}`);
  return parsed.document;
}

const ACME = { tenant: "acme", namespace: null };
const ref = { tenant: "acme", namespace: "company.team", key: "API_KEY" };

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const e = await p.then(
    () => null,
    (error: unknown) => error,
  );
  expect(e, "expected a BackendError").toMatchObject({ name: "BackendError" });
  return e as { code: string; message: string };
}

export function gcpBehaviour(w: GcpWorld) {
  const open = (doc: ConfigDocument): ListableBackend => listable(w.backend(doc), ACME);
  const raw = async (id: string) => (await w.client.getSecret({ name: `projects/${w.project}/secrets/${id}` }))[0];
  const onlyName = async () => {
    const [secrets] = await w.client.listSecrets({ parent: `projects/${w.project}` });
    expect(secrets).toHaveLength(1);
    return String(secrets[0].name).split("/").pop()!;
  };

  describe("google-secret-manager: labels, annotations and versions", () => {
    beforeEach(() => w.clearWith(w.client, w.project));

    it("writes every tag as an annotation, label-safe ones also as labels, and the description as an annotation", async () => {
      const backend = open(w.doc({ tags: { owner: "platform" } }, false));
      await backend.write({ ...ref, value: "v1", description: "for the API", tags: { env: "prod" } });
      const id = await onlyName();
      expect(id).toMatch(/^kestra-acme-company-team-API_KEY-[0-9a-f]{10}$/);
      const secret = await raw(id);
      expect(secret.labels).toEqual({ tenant: "acme", prefix: "kestra", owner: "platform", env: "prod" });
      expect(secret.annotations).toEqual({
        tenant: "acme",
        namespace: "company.team",
        key: "API_KEY",
        prefix: "kestra",
        owner: "platform",
        env: "prod",
        "keyhold-description": "for the API",
      });
      expect(secret.replication?.automatic).toBeTruthy();
    });

    it("reads labels merged with annotations, the annotation winning; the description is not a tag", async () => {
      const parent = `projects/${w.project}`;
      const [s] = await w.client.createSecret({
        parent,
        secretId: "hand-made",
        secret: {
          replication: { automatic: {} },
          labels: { env: "dev", team: "core", prefix: "kestra" },
          annotations: {
            env: "Prod.EU",
            namespace: "company",
            key: "HAND",
            "keyhold-description": "made in the console",
          },
        },
      });
      await w.client.addSecretVersion({ parent: s.name, payload: { data: Buffer.from("x") } });
      const page = await open(w.doc()).list({ tenant: "acme", namespace: "company" });
      expect(page.items.map((i) => [i.key, i.description, i.tags])).toEqual([
        [
          "HAND",
          "made in the console",
          { env: "Prod.EU", team: "core", prefix: "kestra", namespace: "company", key: "HAND" },
        ],
      ]);
    });

    it("rewrites labels on a tag update (a value that stops fitting label rules loses its label) and keeps the description", async () => {
      const backend = open(w.doc({}, false));
      await backend.write({ ...ref, value: "v1", description: "kept", tags: { env: "prod" } });
      const id = await onlyName();
      await backend.update({ ...ref, tags: { env: "Staging" } });
      let secret = await raw(id);
      expect(secret.labels).toEqual({ tenant: "acme", prefix: "kestra" });
      expect(secret.annotations).toMatchObject({ env: "Staging", "keyhold-description": "kept" });
      await backend.update({ ...ref, description: null });
      secret = await raw(id);
      expect(secret.annotations).not.toHaveProperty("keyhold-description");
      expect(secret.annotations).toMatchObject({ env: "Staging", key: "API_KEY" });
      expect(secret.labels).toEqual({ tenant: "acme", prefix: "kestra" });
    });

    it("adds a version for a new value, reads versions/latest, and says so when the latest version is disabled", async () => {
      const backend = open(w.doc({}, false));
      await backend.write({ ...ref, value: "first" });
      await backend.update({ ...ref, value: "second" });
      const name = `projects/${w.project}/secrets/${await onlyName()}`;
      const [versions] = await w.client.listSecretVersions({ parent: name });
      expect(versions).toHaveLength(2);
      expect(await backend.read(ref)).toBe("second");
      await w.client.disableSecretVersion({ name: `${name}/versions/2` });
      const e = await failure(backend.read(ref));
      expect(e).toMatchObject({ code: "not-found" });
      expect(e.message).toMatch(/no enabled version/);
      expect(
        (await backend.list({ tenant: "acme", namespace: "company.team" })).items.map((i) => [i.key, i.subkeys]),
      ).toEqual([["API_KEY", null]]);
    });

    it("refuses a tag key Secret Manager cannot hold before creating anything", async () => {
      const backend = open(w.doc({}, false));
      expect((await failure(backend.write({ ...ref, value: "x", tags: { "my tag": "x" } }))).code).toBe(
        "invalid-input",
      );
      const [secrets] = await w.client.listSecrets({ parent: `projects/${w.project}` });
      expect(secrets).toEqual([]);
    });
  });

  describe("google-secret-manager: listing", () => {
    beforeEach(() => w.clearWith(w.client, w.project));

    it("managed mode asks only for labels.prefix; read-only mode reads the whole project and counts what it ignores", async () => {
      await open(w.doc({}, false)).write({ tenant: "acme", namespace: "company", key: "MANAGED", value: "m" });
      await w.seedWith(w.client, w.project, "unrelated", "u");
      // Another tool wrote Keyhold's tags as annotations only.
      const [s] = await w.client.createSecret({
        parent: `projects/${w.project}`,
        secretId: "annotations-only",
        secret: {
          replication: { automatic: {} },
          annotations: { prefix: "kestra", namespace: "company", key: "ANNOTATED" },
        },
      });
      await w.client.addSecretVersion({ parent: s.name, payload: { data: Buffer.from("a") } });

      const managed = await open(w.doc({}, false)).list({ tenant: "acme", namespace: "company", refresh: true });
      expect(managed.items.map((i) => i.key)).toEqual(["MANAGED"]);
      expect(managed.ignored).toEqual({});
      const readOnly = await open(w.doc({}, true)).list({ tenant: "acme", namespace: "company", refresh: true });
      expect(readOnly.items.map((i) => i.key)).toEqual(["ANNOTATED", "MANAGED"]);
      expect(readOnly.ignored).toEqual({ "missing-prefix-tag": 1 });
    });

    it("gives the same list from a server that ignores filter and page size, as localgcp does", async () => {
      const project = w.project;
      await w.clearWith(w.localgcp.client, project);
      const doc = parseDoc(
        {
          project,
          "endpoint-override": `http://127.0.0.1:${w.localgcp.port}`,
          "filter-on-tags": { tags: { team: "core" } },
        },
        false,
      );
      const backend = open(doc);
      await backend.write({ tenant: "acme", namespace: "company", key: "A", value: "a", tags: { team: "core" } });
      await backend.write({ tenant: "acme", namespace: "company", key: "B", value: "b", tags: { team: "core" } });
      await w.seedWith(w.localgcp.client, project, "other-team", "o", {
        prefix: "kestra",
        namespace: "company",
        key: "C",
        team: "edge",
      });
      await w.seedWith(w.localgcp.client, project, "untagged", "u");
      const page = await backend.list({ tenant: "acme", namespace: "company", refresh: true });
      expect(page.items.map((i) => i.key)).toEqual(["A", "B"]);
      // The server sent everything, so Keyhold saw (and counted) what a filtering server would have hidden.
      expect(page.ignored).toEqual({ "filtered-by-tags": 2 });
      expect(await backend.read({ tenant: "acme", namespace: "company", key: "B" })).toBe("b");
    });

    it("follows nextPageToken page by page and spends the page budget once per page", async () => {
      const project = "paging-project";
      await w.clearWith(w.client, project);
      for (const n of [1, 2, 3, 4, 5]) await w.seedWith(w.client, project, `page-${n}`, String(n));
      const driver = createGcpDriver(
        { document: parseDoc({ project, "endpoint-override": `http://127.0.0.1:${w.port}` }, true), attachment: ACME },
        { pageSize: 2 },
      );
      const pages: string[][] = [];
      for await (const page of driver.scan(new AbortController().signal, new PageBudget("t", 3)))
        pages.push(page.map((s) => s.name));
      expect(pages).toEqual([["page-1", "page-2"], ["page-3", "page-4"], ["page-5"]]);
      const tight = (async () => {
        for await (const page of driver.scan(new AbortController().signal, new PageBudget("t", 2))) void page;
      })();
      expect((await failure(tight)).code).toBe("too-many-secrets");
      await w.clearWith(w.client, project);
    });
  });

  describe("google-secret-manager: connections", () => {
    afterEach(() => vi.unstubAllEnvs());

    it("verifies over TLS with a service-account key, signing its own token (no token endpoint)", async () => {
      const doc = parseDoc(
        {
          project: w.project,
          "endpoint-override": `https://127.0.0.1:${w.front.port}`,
          "ca-certificate": w.front.ca,
          "service-account": w.key,
        },
        true,
      );
      expect(await open(doc).verify()).toMatchObject({
        status: "ok",
        checked: `listed secrets in project ${w.project}`,
      });
      expect(await open(w.doc()).verify()).toMatchObject({
        status: "ok",
        checked: `listed secrets in project ${w.project}`,
      });
    });

    it("takes the project from the service-account key when none is set", async () => {
      const doc = parseDoc(
        {
          "endpoint-override": `https://127.0.0.1:${w.front.port}`,
          "ca-certificate": w.front.ca,
          "service-account": w.key,
        },
        true,
        "warn",
      );
      expect((await open(doc).verify()).checked).toBe("listed secrets in project keyhold-test");
    });

    it("never lets the SDK's debug logging print a value", async () => {
      await w.clearWith(w.client, w.project);
      await w.seedWith(w.client, w.project, "logged", "VALUE-THAT-MUST-NOT-BE-LOGGED", {
        prefix: "kestra",
        namespace: "company",
        key: "LOGGED",
      });
      vi.stubEnv("GOOGLE_SDK_NODE_LOGGING", "secret-manager");
      const lines: string[] = [];
      const capture = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
      const spies = [
        vi.spyOn(console, "error").mockImplementation(capture),
        vi.spyOn(console, "log").mockImplementation(capture),
      ];
      try {
        // Control: the bare client does log the payload when the variable is set.
        const bare = sdkClient(w.port) as SecretManagerServiceClient;
        await bare.accessSecretVersion({ name: `projects/${w.project}/secrets/logged/versions/latest` });
        await bare.close();
        expect(lines.join("\n")).toMatch(/accessSecretVersion/);
        lines.length = 0;
        await closeGcpClients();
        expect(await open(w.doc()).read({ tenant: "acme", namespace: "company", key: "LOGGED" })).toBe(
          "VALUE-THAT-MUST-NOT-BE-LOGGED",
        );
        // The payload is logged as a byte array, so look for the log lines themselves.
        expect(lines.join("\n")).not.toMatch(/accessSecretVersion|VALUE-THAT-MUST-NOT-BE-LOGGED/);
      } finally {
        spies.forEach((s) => s.mockRestore());
        await closeGcpClients();
      }
    });
  });
}
