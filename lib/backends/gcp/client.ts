import "server-only";
import { createHash } from "node:crypto";
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { GoogleAuth } from "google-auth-library";
import { grpc } from "google-gax";
import { resolveAllowed, type EgressPolicy } from "../../net/egress";
import { BackendError } from "../backend-error";
import type { GcpSection } from "./config";
import { IAM_CREDENTIALS_ENDPOINT, impersonatedClient } from "./impersonation";

const SCOPES = ["https://www.googleapis.com/auth/cloud-platform"];
// Set explicitly so neither google-gax nor the auth library asks the GCE metadata server for it.
const UNIVERSE = "googleapis.com";
const DEFAULT_HOST = "secretmanager.googleapis.com";
const MAX_CLIENTS = 32;

export interface Endpoint {
  host: string;
  port: number;
  /** http://: a plaintext gRPC channel that carries no credentials (emulators and test servers). */
  plaintext: boolean;
}

export interface GcpConnection {
  client: SecretManagerServiceClient;
  /** The project from the settings, or from the service-account key; null: ask Application Default Credentials. */
  project: string | null;
  auth: GoogleAuth;
  endpoint: Endpoint | null;
}

interface ServiceAccountKey {
  type: "service_account";
  client_email: string;
  private_key: string;
  private_key_id?: string;
  project_id?: string;
}

/**
 * Keeps only the fields of a service-account key the client needs. Other key types (external_account,
 * impersonated, authorized_user) and fields such as token_uri would make the auth library fetch URLs or
 * read files named by whoever wrote the JSON, so they are refused or dropped.
 */
export function parseServiceAccount(text: string): ServiceAccountKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BackendError(
      "invalid-config",
      "The service-account setting is not JSON: paste the JSON key file of a service account.",
    );
  }
  const o = (parsed ?? {}) as Record<string, unknown>;
  if (o.type !== "service_account" || typeof o.client_email !== "string" || typeof o.private_key !== "string") {
    throw new BackendError(
      "invalid-config",
      'The service-account JSON needs type "service_account", client_email and private_key.',
    );
  }
  const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
  return {
    type: "service_account",
    client_email: o.client_email,
    private_key: o.private_key,
    private_key_id: str(o.private_key_id),
    project_id: str(o.project_id),
  };
}

export function parseEndpoint(url: string | undefined): Endpoint | null {
  if (!url) return null;
  const u = new URL(url);
  const plaintext = u.protocol === "http:";
  if ((u.pathname && u.pathname !== "/") || u.search) {
    throw new BackendError(
      "invalid-config",
      `endpoint-override must be a scheme, host and port only (e.g. https://secretmanager.googleapis.com:443), not ${u.origin}${u.pathname}.`,
    );
  }
  return { host: u.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(u.port || (plaintext ? 80 : 443)), plaintext };
}

// Turns the auth library's Headers into the plain object @grpc/grpc-js expects from a call credential.
function callCredentials(auth: GoogleAuth) {
  return grpc.credentials.createFromGoogleCredential({
    getRequestHeaders: async (url?: string) => {
      const headers = await auth.getRequestHeaders(url);
      const out: Record<string, string> = {};
      headers.forEach((value, key) => (out[key] = value));
      return out;
    },
  });
}

// The client logs requests and responses (secret payloads included) when GOOGLE_SDK_NODE_LOGGING is set.
const silentLog = { info() {}, warn() {}, error() {}, debug() {} };

/** Where a dedicated manager's channel connects: the checked address, and the name TLS and :authority keep using. */
interface Pinned {
  address: string;
  family: 4 | 6;
  host: string;
  port: number;
}

function build(section: GcpSection, pinned?: Pinned, egress?: EgressPolicy): GcpConnection {
  const key = section["service-account"] ? parseServiceAccount(section["service-account"]) : null;
  const endpoint = parseEndpoint(section["endpoint-override"]);
  const project = section.project ?? key?.project_id ?? null;
  const auth =
    key && section["impersonate-service-account"]
      ? new GoogleAuth({
          authClient: impersonatedClient(section, key, SCOPES, UNIVERSE, egress),
          universeDomain: UNIVERSE,
          projectId: project ?? undefined,
        })
      : new GoogleAuth({
          credentials: key ?? undefined,
          scopes: SCOPES,
          universeDomain: UNIVERSE,
          projectId: project ?? undefined,
        });
  // Channel credentials come from google-gax's own @grpc/grpc-js; plaintext channels cannot carry call credentials.
  const sslCreds = endpoint?.plaintext
    ? grpc.credentials.createInsecure()
    : grpc.credentials.combineChannelCredentials(
        grpc.credentials.createSsl(section["ca-certificate"] ? Buffer.from(section["ca-certificate"]) : null),
        callCredentials(auth),
      );
  // A pinned channel targets the IP the policy checked, so gRPC never resolves the name again; TLS still verifies the
  // name (ssl_target_name_override), the name stays the :authority, and no proxy from the environment is used.
  const named = pinned && pinned.address !== pinned.host;
  const pinning = pinned
    ? {
        apiEndpoint: pinned.family === 6 ? `[${pinned.address}]` : pinned.address,
        port: pinned.port,
        "grpc.enable_http_proxy": 0,
        ...(named ? { "grpc.default_authority": `${pinned.host}:${pinned.port}` } : {}),
        ...(named && !endpoint?.plaintext ? { "grpc.ssl_target_name_override": pinned.host } : {}),
      }
    : endpoint
      ? { apiEndpoint: endpoint.host, port: endpoint.port }
      : {};
  const client = new SecretManagerServiceClient({ ...pinning, sslCreds, auth, universeDomain: UNIVERSE });
  (client as unknown as { _log: typeof silentLog })._log = silentLog;
  return { client, project, auth, endpoint };
}

const holder = globalThis as unknown as { __keyholdGcpClients?: Map<string, GcpConnection> };
const clients = (holder.__keyholdGcpClients ??= new Map());

/** One gRPC channel per distinct connection setting, reused across requests; the oldest is closed past a limit. */
export function connect(section: GcpSection, pinned?: Pinned, egress?: EgressPolicy): GcpConnection {
  const id = createHash("sha256")
    .update(
      JSON.stringify([
        section.project,
        section["service-account"],
        section["endpoint-override"],
        section["ca-certificate"],
        section["impersonate-service-account"],
        section.delegates,
        section["iam-endpoint-override"],
        egress?.id ?? "trusted",
        pinned ?? "trusted",
      ]),
    )
    .digest("hex");
  const hit = clients.get(id);
  if (hit) {
    clients.delete(id);
    clients.set(id, hit);
    return hit;
  }
  const made = build(section, pinned, egress);
  clients.set(id, made);
  for (const [old, conn] of clients) {
    if (clients.size <= MAX_CLIENTS) break;
    clients.delete(old);
    void conn.client.close().catch(() => undefined);
  }
  return made;
}

/**
 * The connection for a dedicated manager: the endpoint's name is resolved once and every address checked
 * (EgressRefusedError otherwise) before a channel exists; the channel then targets the first checked address.
 * Each new backend (every request) checks again, so a changed DNS answer gets a new, checked channel.
 */
export async function connectChecked(section: GcpSection, egress: EgressPolicy): Promise<GcpConnection> {
  const endpoint = parseEndpoint(section["endpoint-override"]);
  const host = endpoint?.host ?? DEFAULT_HOST;
  const port = endpoint?.port ?? 443;
  const [first] = await resolveAllowed(egress, host, port);
  if (section["impersonate-service-account"]) {
    // Checked before the key signs anything; the call itself goes through the egress agents as well.
    const iam = new URL(section["iam-endpoint-override"] ?? IAM_CREDENTIALS_ENDPOINT);
    await resolveAllowed(
      egress,
      iam.hostname.replace(/^\[(.*)\]$/, "$1"),
      Number(iam.port || (iam.protocol === "http:" ? 80 : 443)),
    );
  }
  return connect(section, { address: first.address, family: first.family, host, port }, egress);
}

/** Closes every cached channel (shutdown, tests). */
export async function closeGcpClients(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.all(all.map((c) => c.client.close().catch(() => undefined)));
}
