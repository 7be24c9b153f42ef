import dns from "node:dns";
import { readFileSync } from "node:fs";
import net from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startCountingListener, type CountingListener } from "../support/counting-listener";
import { classifyHost } from "../../lib/net/address";
import { createEgressPolicy, EGRESS_SENTENCE, type EgressPolicy, type Resolver } from "../../lib/net/egress";
import type { SecretsBackend } from "../../lib/backends/adapter";
import { createBackend } from "../../lib/backends/registry";
import { parseConfigDocument, type ConfigDocument } from "../../lib/backends/document";
import { closeGcpClients } from "../../lib/backends/gcp/client";
import { serviceAccountKey, tlsFront } from "../support/backends/gcp";
import { emulatorEnv, emulatorsDisabled } from "../support/emulators";
import type { ExternalBackendType } from "../../lib/backends/descriptors";

// Every packet of this file goes to 127.0.0.0/8: refused addresses are loopback ones the policy denies, and
// names are answered by a fake resolver with loopback addresses. The guard below fails the run (and sends
// nothing) if anything tries to look a name up through the system or to connect to another address.

process.env.AWS_EC2_METADATA_DISABLED = "true";

interface Guard {
  attempts: string[];
  uninstall(): void;
}

/** Refuses system lookups of anything but localhost, and connections to any literal that is not loopback. */
function packetGuard(): Guard {
  const attempts: string[] = [];
  const connect = net.Socket.prototype.connect;
  const lookup = dns.lookup;
  const lookupPromise = dns.promises.lookup;
  const loopbackLiteral = (host: string) => {
    const c = classifyHost(host);
    return c.kind === "ip" && c.category === "loopback";
  };
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = args[0] as { host?: string; path?: string; lookup?: unknown } | number | string;
    const options =
      typeof first === "object" && first !== null && !Array.isArray(first)
        ? first
        : { host: typeof args[1] === "string" ? args[1] : "localhost" };
    const host = "path" in options && options.path ? null : (options.host ?? "localhost");
    // A name may connect only through a lookup Keyhold pinned (it answers loopback here); a literal must be loopback.
    if (
      host !== null &&
      host !== "localhost" &&
      !loopbackLiteral(host) &&
      !(classifyHost(host).kind === "name" && options.lookup)
    ) {
      attempts.push(`connect ${host}`);
      throw new Error(`packet guard: refused a connection to ${host}`);
    }
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof connect;
  const refusedName = (name: string) => name !== "localhost" && !loopbackLiteral(name);
  dns.lookup = function (hostname: string, ...rest: unknown[]) {
    if (refusedName(hostname)) {
      attempts.push(`lookup ${hostname}`);
      const callback = rest[rest.length - 1] as (e: Error) => void;
      process.nextTick(() =>
        callback(Object.assign(new Error(`packet guard: lookup of ${hostname} refused`), { code: "ENOTFOUND" })),
      );
      return;
    }
    return (lookup as (...a: unknown[]) => unknown).call(dns, hostname, ...rest);
  } as typeof lookup;
  dns.promises.lookup = (async (hostname: string, ...rest: unknown[]) => {
    if (refusedName(hostname)) {
      attempts.push(`lookup ${hostname}`);
      throw Object.assign(new Error(`packet guard: lookup of ${hostname} refused`), { code: "ENOTFOUND" });
    }
    return (lookupPromise as (...a: unknown[]) => unknown).call(dns.promises, hostname, ...rest);
  }) as typeof lookupPromise;
  return {
    attempts,
    uninstall() {
      net.Socket.prototype.connect = connect;
      dns.lookup = lookup;
      dns.promises.lookup = lookupPromise;
    },
  };
}

/** A resolver for names that exist only in this test, answering loopback addresses; it records what it was asked. */
function fakeDns(answers: Record<string, string[]>) {
  const asked: string[] = [];
  const resolve: Resolver = async (name) => {
    asked.push(name);
    const list = answers[name];
    if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: "ENOTFOUND" });
    return list.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return { resolve, asked };
}

function parse(raw: Record<string, unknown>): ConfigDocument {
  const parsed = parseConfigDocument(raw, { unknownKeys: "error", incomplete: "warn" });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.document;
}

/** One document per backend type, pointing every tenant-defined address at `base` (scheme, host and port). */
const DOCUMENTS: Record<ExternalBackendType, (base: { http: string; https: string }) => ConfigDocument> = {
  vault: (b) =>
    parse({
      type: "vault",
      "read-only": true,
      vault: { address: b.http, token: { token: "CANARY-egress-vault-token" } },
    }),
  "aws-secret-manager": (b) =>
    parse({
      type: "aws-secret-manager",
      "read-only": true,
      "aws-secret-manager": {
        region: "us-east-1",
        "endpoint-override": b.http,
        "access-key-id": "AKIAEGRESSTEST",
        "secret-key-id": "CANARY-egress-aws-secret",
      },
    }),
  "azure-key-vault": (b) =>
    parse({
      type: "azure-key-vault",
      "read-only": true,
      "azure-key-vault": {
        "key-vault-uri": b.https,
        "authority-host": b.https,
        "disable-challenge-resource-verification": true,
        clientSecret: {
          tenantId: "00000000-0000-0000-0000-000000000000",
          clientId: "egress-app",
          clientSecret: "CANARY-egress-azure-secret",
        },
      },
    }),
  "google-secret-manager": (b) =>
    parse({
      type: "google-secret-manager",
      "read-only": true,
      "google-secret-manager": { project: "keyhold-test", "endpoint-override": b.http },
    }),
};

const TYPES = Object.keys(DOCUMENTS) as ExternalBackendType[];
const at = (host: string, port: number) => ({ http: `http://${host}:${port}`, https: `https://${host}:${port}` });
const backend = (type: ExternalBackendType, host: string, port: number, egress: EgressPolicy): SecretsBackend =>
  createBackend({
    document: DOCUMENTS[type](at(host, port)),
    attachment: { tenant: "acme", namespace: null },
    timeoutMs: 3_000,
    egress,
  });

async function verifyError(b: SecretsBackend): Promise<{ code?: string; message: string }> {
  const error = await b.verify().then(
    () => null,
    (e: unknown) => e as { code?: string; message: string },
  );
  expect(error, "verify should fail").not.toBeNull();
  return error!;
}

let guard: Guard;
beforeAll(() => {
  guard = packetGuard();
});
afterAll(async () => {
  await closeGcpClients();
  guard.uninstall();
  expect(guard.attempts).toEqual([]);
});

describe.each(TYPES)("%s through the egress policy", (type) => {
  let listener: CountingListener;
  beforeEach(async () => {
    listener = await startCountingListener();
  });
  afterEach(() => listener.close());

  it("the default policy refuses 127.0.0.1 as forbidden, with the sentence, and no connection is made", async () => {
    const error = await verifyError(backend(type, "127.0.0.1", listener.port, createEgressPolicy()));
    expect(error.code).toBe("forbidden");
    expect(error.message).toBe(`${EGRESS_SENTENCE} (127.0.0.1:${listener.port}).`);
    expect(listener.connections()).toBe(0);
  });

  it("other spellings of loopback are refused the same way: 0x7f.1, 2130706433, [::ffff:127.0.0.1]", async () => {
    for (const host of ["0x7f.1", "2130706433", "[::ffff:127.0.0.1]"]) {
      const error = await verifyError(backend(type, host, listener.port, createEgressPolicy()));
      expect(error.code, host).toBe("forbidden");
      expect(error.message).toContain(EGRESS_SENTENCE);
    }
    expect(listener.connections()).toBe(0);
  });

  it("the name localhost resolves to loopback and is refused, with no connection", async () => {
    const error = await verifyError(backend(type, "localhost", listener.port, createEgressPolicy()));
    expect(error).toMatchObject({ code: "forbidden", message: `${EGRESS_SENTENCE} (localhost:${listener.port}).` });
    expect(listener.connections()).toBe(0);
  });

  it("a name whose DNS answer is a denied address is refused, with no connection", async () => {
    const dns = fakeDns({ "vault.egress.test": ["127.0.0.1"] });
    // Only another port is allowed: 127.0.0.1 on the listener's port stays denied.
    const error = await verifyError(
      backend(
        type,
        "vault.egress.test",
        listener.port,
        createEgressPolicy({ allow: [`127.0.0.1:${listener.port + 1}`] }, dns.resolve),
      ),
    );
    expect(error).toMatchObject({
      code: "forbidden",
      message: `${EGRESS_SENTENCE} (vault.egress.test:${listener.port}).`,
    });
    expect(dns.asked.length).toBeGreaterThan(0);
    expect(listener.connections()).toBe(0);
  });

  it("positive control: with the listener's port allowed, the connection is made", async () => {
    const error = await verifyError(
      backend(type, "127.0.0.1", listener.port, createEgressPolicy({ allow: [listener.hostPort] })),
    );
    expect(error.message).not.toContain(EGRESS_SENTENCE);
    expect(listener.connections()).toBeGreaterThan(0);
  });

  it("a name is connected to at the address the policy checked, never looked up again", async () => {
    const dns = fakeDns({ "vault.egress.test": ["127.0.0.1"] });
    const error = await verifyError(
      backend(
        type,
        "vault.egress.test",
        listener.port,
        createEgressPolicy({ allow: [listener.hostPort] }, dns.resolve),
      ),
    );
    expect(error.message).not.toContain(EGRESS_SENTENCE);
    // The listener saw the connection although the system resolver (guarded) never heard of the name.
    expect(listener.connections()).toBeGreaterThan(0);
    expect(dns.asked.every((n) => n === "vault.egress.test")).toBe(true);
    expect(guard.attempts).toEqual([]);
  });
});

describe("without a policy (the configuration file's backend) nothing is checked", () => {
  it.each(TYPES)("%s connects to 127.0.0.1", async (type) => {
    const listener = await startCountingListener();
    try {
      const error = await verifyError(
        createBackend({
          document: DOCUMENTS[type](at("127.0.0.1", listener.port)),
          attachment: { tenant: null, namespace: null },
          timeoutMs: 3_000,
        }),
      );
      expect(error.message).not.toContain(EGRESS_SENTENCE);
      expect(listener.connections()).toBeGreaterThan(0);
    } finally {
      await listener.close();
    }
  });
});

/** A TLS front to a plaintext port whose certificate names only `localhost`: TLS must verify the name, not the pinned IP. */
const localhostTlsFront = (targetPort: number) => tlsFront(targetPort, { cn: "localhost", san: "DNS:localhost" });

describe.skipIf(emulatorsDisabled)("on the emulators, with their ports allowed", () => {
  const attachment = { tenant: "acme", namespace: null };
  const port = (name: string) => Number(emulatorEnv(name));

  it("vault, aws, azure and gcp verify through the pinned transports", async () => {
    const azureUrl = emulatorEnv("KEYHOLD_AZURE_VAULT_URL");
    const documents: ConfigDocument[] = [
      parse({
        type: "vault",
        "read-only": true,
        vault: { address: emulatorEnv("KEYHOLD_VAULT_ADDR"), token: { token: emulatorEnv("KEYHOLD_VAULT_TOKEN") } },
      }),
      parse({
        type: "aws-secret-manager",
        "read-only": true,
        "aws-secret-manager": {
          region: emulatorEnv("KEYHOLD_AWS_REGION"),
          "endpoint-override": emulatorEnv("KEYHOLD_AWS_ENDPOINT"),
          "access-key-id": emulatorEnv("KEYHOLD_AWS_ACCESS_KEY_ID"),
          "secret-key-id": emulatorEnv("KEYHOLD_AWS_SECRET_ACCESS_KEY"),
        },
      }),
      parse({
        type: "azure-key-vault",
        "read-only": true,
        "azure-key-vault": {
          "key-vault-uri": azureUrl,
          "authority-host": azureUrl,
          "ca-certificate": readFileSync(emulatorEnv("KEYHOLD_AZURE_CA_CERT"), "utf8"),
          "disable-challenge-resource-verification": true,
          clientSecret: {
            tenantId: emulatorEnv("KEYHOLD_AZURE_TENANT_ID"),
            clientId: "keyhold-egress-app",
            clientSecret: "CANARY-egress",
          },
        },
      }),
      parse({
        type: "google-secret-manager",
        "read-only": true,
        "google-secret-manager": {
          project: emulatorEnv("KEYHOLD_GCP_PROJECT_ID"),
          "endpoint-override": `http://127.0.0.1:${port("KEYHOLD_GCP_PORT")}`,
        },
      }),
    ];
    const egress = createEgressPolicy({
      allow: ["KEYHOLD_VAULT_PORT", "KEYHOLD_AWS_PORT", "KEYHOLD_AZURE_PORT", "KEYHOLD_GCP_PORT"].map(
        (n) => `127.0.0.1:${port(n)}`,
      ),
    });
    for (const document of documents) {
      const result = await createBackend({ document, attachment, egress }).verify();
      expect(result.status, document.type).toBe("ok");
    }
  });

  it("azure: an allowed vault with a denied authority host gets no token request: forbidden, no connection", async () => {
    const authority = await startCountingListener();
    try {
      const azureUrl = emulatorEnv("KEYHOLD_AZURE_VAULT_URL");
      const document = parse({
        type: "azure-key-vault",
        "read-only": true,
        "azure-key-vault": {
          "key-vault-uri": azureUrl,
          "authority-host": `https://127.0.0.1:${authority.port}`,
          "ca-certificate": readFileSync(emulatorEnv("KEYHOLD_AZURE_CA_CERT"), "utf8"),
          "disable-challenge-resource-verification": true,
          clientSecret: {
            tenantId: emulatorEnv("KEYHOLD_AZURE_TENANT_ID"),
            clientId: "keyhold-egress-app-2",
            clientSecret: "CANARY-egress",
          },
        },
      });
      const egress = createEgressPolicy({ allow: [`127.0.0.1:${port("KEYHOLD_AZURE_PORT")}`] });
      const error = await verifyError(createBackend({ document, attachment, egress, timeoutMs: 5_000 }));
      expect(error).toMatchObject({ code: "forbidden", message: `${EGRESS_SENTENCE} (127.0.0.1:${authority.port}).` });
      expect(authority.connections()).toBe(0);
    } finally {
      await authority.close();
    }
  });

  it("gcp over TLS to a name: the channel goes to the checked IP and the certificate is verified for the name", async () => {
    const front = await localhostTlsFront(port("KEYHOLD_GCP_PORT"));
    try {
      const section = {
        project: emulatorEnv("KEYHOLD_GCP_PROJECT_ID"),
        "endpoint-override": `https://localhost:${front.port}`,
        "service-account": serviceAccountKey(),
      };
      const egress = createEgressPolicy({ allow: [`localhost:${front.port}`] });
      const trusted = parse({
        type: "google-secret-manager",
        "read-only": true,
        "google-secret-manager": { ...section, "ca-certificate": front.ca },
      });
      expect((await createBackend({ document: trusted, attachment, egress }).verify()).status).toBe("ok");
      // Without the CA the same pinned channel fails TLS: the certificate is still checked.
      const untrusted = parse({ type: "google-secret-manager", "read-only": true, "google-secret-manager": section });
      expect(
        (await verifyError(createBackend({ document: untrusted, attachment, egress, timeoutMs: 3_000 }))).code,
      ).toBe("tls");
    } finally {
      front.close();
    }
  });
});
