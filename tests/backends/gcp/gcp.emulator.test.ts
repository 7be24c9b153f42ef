import { afterAll, beforeAll, describe, expect } from "vitest";
import { createBackend } from "../../../lib/backends/registry";
import type { BackendErrorCode } from "../../../lib/backends/backend-error";
import type { ConfigDocument } from "../../../lib/backends/document";
import { emulatorEnv, emulatorsDisabled } from "../../support/emulators";
import { loopbackOnly, type LoopbackOnly } from "../../support/loopback-only";
import { runTaggedContract, type TaggedHarness } from "../../support/backends/tagged-contract";
import {
  closedPort,
  gcpClear,
  gcpSeed,
  gcpSeeder,
  sdkClient,
  serviceAccountKey,
  silentServer,
  startFake,
  tlsFront,
  type GcpWorld,
} from "../../support/backends/gcp";
import { gcpBehaviour, parseDoc } from "../../support/backends/gcp-behaviour";

describe.skipIf(emulatorsDisabled)("google-secret-manager on gcp-sm-fake", () => {
  const world = {} as GcpWorld;
  let guard: LoopbackOnly;
  const closers: (() => unknown)[] = [];

  beforeAll(async () => {
    guard = loopbackOnly();
    world.port = Number(emulatorEnv("KEYHOLD_GCP_PORT"));
    world.project = emulatorEnv("KEYHOLD_GCP_PROJECT_ID");
    const host = emulatorEnv("KEYHOLD_GCP_HOST");
    world.doc = (section = {}, readOnly = true) =>
      parseDoc({ project: world.project, "endpoint-override": `http://${host}:${world.port}`, ...section }, readOnly);
    world.backend = (document, attachment = { tenant: "acme", namespace: null }) =>
      createBackend({ document, attachment });
    world.client = sdkClient(world.port, host);
    world.key = serviceAccountKey();
    [world.strict, world.authed, world.localgcp] = await Promise.all([
      startFake(["-projects", world.project, "-disabled-projects", "api-off-project"]),
      startFake(["-service-accounts", "keyhold-test@keyhold-test.iam.gserviceaccount.com"]),
      startFake(["-ignore-list-options"]),
    ]);
    world.front = await tlsFront(world.authed.port);
    closers.push(
      () => world.client.close(),
      () => world.strict.stop(),
      () => world.authed.stop(),
      () => world.localgcp.stop(),
      () => world.front.close(),
    );
    // As a GCP user would: label-safe tags as labels, the others as annotations (the kit's gcpSeed).
    world.seedWith = gcpSeed;
    world.clearWith = async (client, project) => {
      await gcpClear(client, project);
      // Lists are kept for a few seconds; what the emulator no longer holds must not be served from them.
    };
  });

  afterAll(async () => {
    for (const close of closers) await close();
    guard.restore();
    // No SDK ever reached for a metadata server, oauth2.googleapis.com or anything but loopback.
    expect(guard.refused).toEqual([]);
  });

  const harness: TaggedHarness = {
    type: "google-secret-manager",
    bulk: 1100, // more than one ListSecrets page (1,000)
    document: (section, readOnly) => world.doc(section, readOnly),
    backend: (document, attachment) => world.backend(document, attachment),
    seed: (name, value, tags, description) =>
      gcpSeeder(world.client, world.project).seed(name, value, tags, description),
    async seedMany(items) {
      for (let i = 0; i < items.length; i += 50) {
        await Promise.all(
          items.slice(i, i + 50).map((it) => world.seedWith(world.client, world.project, it.name, it.value, it.tags)),
        );
      }
    },
    inspect: (name) => gcpSeeder(world.client, world.project).inspect(name),
    names: () => gcpSeeder(world.client, world.project).names(),
    clear: () => world.clearWith(world.client, world.project),
    async counted() {
      // A private fake started with -v logs every call it serves: the value reads are its AccessSecretVersion calls.
      const fake = await startFake(["-v"]);
      return {
        document: (section = {}, readOnly) =>
          world.doc({ ...section, "endpoint-override": `http://127.0.0.1:${fake.port}` }, readOnly),
        async seedMany(items) {
          for (let i = 0; i < items.length; i += 20)
            await Promise.all(
              items
                .slice(i, i + 20)
                .map((it) => world.seedWith(fake.client, world.project, it.name, it.value, it.tags)),
            );
        },
        valueReads: () => fake.calls.filter((c) => c === "AccessSecretVersion").length,
        close: () => fake.stop(),
      };
    },
    async failures() {
      const silent = await silentServer();
      closers.push(() => silent.close());
      const badKey = serviceAccountKey(
        undefined,
        "-----BEGIN PRIVATE KEY-----\nCANARYnotakey\n-----END PRIVATE KEY-----\n",
      );
      const cases: { code: BackendErrorCode; document: ConfigDocument }[] = [
        { code: "unreachable", document: world.doc({ "endpoint-override": `http://127.0.0.1:${await closedPort()}` }) },
        { code: "timeout", document: world.doc({ "endpoint-override": `http://127.0.0.1:${silent.port}` }) },
        // TLS to the plaintext port: "wrong version number".
        {
          code: "tls",
          document: world.doc({ "endpoint-override": `https://127.0.0.1:${world.port}`, "service-account": world.key }),
        },
        // A certificate nobody vouches for.
        {
          code: "tls",
          document: world.doc({
            "endpoint-override": `https://127.0.0.1:${world.front.port}`,
            "service-account": world.key,
          }),
        },
        // Secret Manager API not enabled in the project.
        {
          code: "not-found",
          document: world.doc({
            project: "api-off-project",
            "endpoint-override": `http://127.0.0.1:${world.strict.port}`,
          }),
        },
        // "Permission 'secretmanager.secrets.list' denied for resource 'projects/other-project' (or it may not exist)."
        {
          code: "forbidden",
          document: world.doc({
            project: "other-project",
            "endpoint-override": `http://127.0.0.1:${world.strict.port}`,
          }),
        },
        // A plaintext channel sends no credentials; this server wants them.
        {
          code: "unauthenticated",
          document: world.doc({ "endpoint-override": `http://127.0.0.1:${world.authed.port}` }),
        },
        // A well-formed key of an account the server does not know.
        {
          code: "unauthenticated",
          document: world.doc({
            "endpoint-override": `https://127.0.0.1:${world.front.port}`,
            "ca-certificate": world.front.ca,
            "service-account": serviceAccountKey("CANARY-gone@keyhold-test.iam.gserviceaccount.com"),
          }),
        },
        // A key that cannot sign: the token is never made.
        {
          code: "unauthenticated",
          document: world.doc({
            "endpoint-override": `https://127.0.0.1:${world.front.port}`,
            "ca-certificate": world.front.ca,
            "service-account": badKey,
          }),
        },
        // What the configuration file may hold (a warning there): another key type, which could make the auth library read files.
        {
          code: "invalid-config",
          document: parseDoc(
            {
              project: world.project,
              "endpoint-override": `https://127.0.0.1:${world.front.port}`,
              "service-account": '{"type":"external_account","credential_source":{"file":"/etc/CANARY"}}',
            },
            true,
            "warn",
          ),
        },
      ];
      return cases;
    },
  };

  runTaggedContract(harness);
  gcpBehaviour(world);
});
