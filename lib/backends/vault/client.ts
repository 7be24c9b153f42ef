import "server-only";
import { createHash } from "node:crypto";
import { rootCertificates } from "node:tls";
import nodeVault from "node-vault";
import type { EgressPolicy } from "../../net/egress";
import type { TokenFileReader } from "../../net/token-files";
import { egressAgents, type EgressAgents } from "../../net/egress-agent";
import { BackendError } from "../backend-error";
import type { VaultSection } from "./config";
import { vaultData, vaultMessage, vaultStatus } from "./errors";
import { explainTokenRefusal, nextStep, renewSelf, type HeldToken } from "./token-lifecycle";
import { egressTransport } from "./transport";
import { identityAuthOf, identityJwt, identityLoginRequest, type IdentityAuth } from "./identity-login";

type NodeVaultClient = ReturnType<typeof nodeVault>;

/** The few Vault calls Keyhold makes, each bounded by `ms` (node-vault hands it to axios as the request timeout). */
export interface VaultClient {
  read(path: string, ms: number): Promise<Record<string, unknown>>;
  list(path: string, ms: number): Promise<Record<string, unknown>>;
  write(path: string, data: Record<string, unknown>, ms: number): Promise<void>;
  /** A write whose answer matters (sys/capabilities-self): the response body. */
  post(path: string, data: Record<string, unknown>, ms: number): Promise<Record<string, unknown>>;
  remove(path: string, ms: number): Promise<void>;
  /**
   * Authenticates afresh (login, or token lookup-self) and returns the token's policies; null for a
   * token Vault knows that may not look itself up (one created without the default policy).
   */
  authenticate(ms: number, engine: string): Promise<string[] | null>;
}

// Login tokens are kept per identity so that every request does not log in again; they are renewed before their TTL
// ends (token-lifecycle.ts), and a 403 drops them.
const holder = globalThis as unknown as { __keyholdVaultTokens?: Map<string, Promise<HeldToken>> };
const logins = (holder.__keyholdVaultTokens ??= new Map());

type Auth =
  | { kind: "token"; token: string }
  | { kind: "userpass"; user: string; password: string }
  | { kind: "approle"; mount: string; roleId: string; secretId: string }
  | IdentityAuth;

function authOf(section: VaultSection): Auth {
  if (section.token) return { kind: "token", token: section.token.token };
  if (section.password) return { kind: "userpass", user: section.password.user, password: section.password.password };
  if (section["app-role"]) {
    const r = section["app-role"];
    return { kind: "approle", mount: r.path ?? "approle", roleId: r["role-id"], secretId: r["secret-id"] };
  }
  const identity = identityAuthOf(section);
  if (identity) return identity;
  throw new BackendError(
    "invalid-config",
    "Choose an auth method: token, password (userpass), app-role, jwt or kubernetes.",
  );
}

/** Where a login happens, for messages: `auth/approle in namespace team-ns`. */
function loginTarget(section: VaultSection): string {
  const auth = authOf(section);
  const mount = auth.kind === "userpass" ? "userpass" : auth.kind === "token" ? "token" : auth.mount;
  return `auth/${mount}${section.namespace ? ` in namespace ${section.namespace}` : ""}`;
}

// Egress agents per policy and CA, so that keep-alive connections are shared like node-vault's own agent.
const agentsHolder = globalThis as unknown as { __keyholdVaultAgents?: Map<string, EgressAgents> };
const agentCache = (agentsHolder.__keyholdVaultAgents ??= new Map());

function agentsFor(egress: EgressPolicy, ca: string | undefined): EgressAgents {
  const key = createHash("sha256")
    .update(JSON.stringify([egress.id, ca ?? ""]))
    .digest("hex");
  let agents = agentCache.get(key);
  if (!agents || agents.http.policy !== egress) {
    agents = egressAgents(egress, ca ? { ca: [...rootCertificates, ca] } : {});
    if (agentCache.size >= 64) agentCache.delete(agentCache.keys().next().value as string);
    agentCache.set(key, agents);
  }
  return agents;
}

function build(section: VaultSection, timeoutMs: number, egress?: EgressPolicy): NodeVaultClient {
  const ca = section["ca-certificate"];
  const vault = nodeVault({
    apiVersion: "v1",
    endpoint: section.address.replace(/\/+$/, ""),
    namespace: section.namespace,
    debug: () => {}, // node-vault's debug logger would print written data (secret values) when DEBUG=node-vault
    // Dedicated managers: Keyhold's own transport, through the egress policy, no proxy, no redirects.
    ...(egress ? { "request-promise": egressTransport(agentsFor(egress, ca)) } : {}),
    requestOptions: {
      timeout: timeoutMs,
      strictSSL: true, // node-vault turns verification off when VAULT_SKIP_VERIFY is set in the environment
      ...(ca ? { ca: [...rootCertificates, ca] } : {}), // added to the public CAs, not instead of them
    },
  });
  // node-vault falls back to VAULT_TOKEN, VAULT_NAMESPACE and VAULT_PREFIX when an option is empty: pin each.
  const pinned = vault as NodeVaultClient & { namespace: string; pathPrefix: string };
  pinned.token = "";
  pinned.namespace = section.namespace ?? "";
  pinned.pathPrefix = "";
  return vault;
}

export function createVaultClient(
  section: VaultSection,
  timeoutMs: number,
  egress?: EgressPolicy,
  attachment: { tenant: string | null } = { tenant: null },
): VaultClient {
  const auth = authOf(section);
  const vault = build(section, timeoutMs, egress);
  const loginKey = createHash("sha256")
    .update(JSON.stringify([section.address, section.namespace ?? "", auth]))
    .digest("hex");

  async function login(method: Exclude<Auth, { kind: "token" }>, ms: number): Promise<LoginAnswer> {
    try {
      return await nodeVaultLogin(build(section, ms, egress), method, { timeout: ms }, { egress, attachment });
    } catch (error) {
      const status = vaultStatus(error);
      // Vault answers a wrong password or secret-id with 400, and a login path that does not exist (wrong mount or namespace) with 403.
      if (status === 400 || status === 401 || status === 403) {
        throw new BackendError(
          "unauthenticated",
          `Login at ${loginTarget(section)} was refused: ${vaultMessage(error)}`,
        );
      }
      throw error;
    }
  }

  function remember(token: Promise<HeldToken>): Promise<HeldToken> {
    logins.set(loginKey, token);
    token.catch(() => logins.get(loginKey) === token && logins.delete(loginKey));
    return token;
  }

  /** The kept login token, renewed or replaced first when its lease is running out; concurrent calls share one. */
  async function cachedLogin(method: Exclude<Auth, { kind: "token" }>, ms: number): Promise<HeldToken> {
    const fresh = () => login(method, ms).then((a) => ({ ...a, obtainedAt: Date.now(), capped: false }));
    const hit = logins.get(loginKey);
    if (!hit) return remember(fresh());
    const held = await hit.catch(() => null);
    if (logins.get(loginKey) !== hit) return cachedLogin(method, ms); // replaced meanwhile: use the newer one
    const step = held ? nextStep(held, Date.now()) : "login";
    if (held && step === "use") return held;
    return remember(
      held && step === "renew" ? renewSelf(build(section, ms, egress), held, ms).catch(() => fresh()) : fresh(),
    );
  }

  /** Runs a call with the configured token, or a login token; a 403 with a kept login token logs in once more. */
  async function withToken<T>(ms: number, fn: (options: { timeout: number }) => Promise<T>): Promise<T> {
    if (auth.kind === "token") {
      vault.token = auth.token;
      try {
        return await fn({ timeout: ms });
      } catch (error) {
        throw await explainTokenRefusal(vault, section["root-engine"] ?? "secret", ms, error);
      }
    }
    const kept = logins.has(loginKey);
    const used = await cachedLogin(auth, ms);
    vault.token = used.token;
    try {
      return await fn({ timeout: ms });
    } catch (error) {
      if (vaultStatus(error) !== 403 || !kept) throw error;
      const entry = logins.get(loginKey);
      if (entry && (await entry.catch(() => null))?.token === used.token && logins.get(loginKey) === entry)
        logins.delete(loginKey);
      vault.token = (await cachedLogin(auth, ms)).token;
      return fn({ timeout: ms });
    }
  }

  const dataOf = (body: unknown) => (body && typeof body === "object" ? (body as Record<string, unknown>) : {});

  return {
    read: (path, ms) => withToken(ms, (o) => vault.read(path, o)).then(dataOf),
    list: (path, ms) => withToken(ms, (o) => vault.list(path, o)).then(dataOf),
    write: (path, data, ms) => withToken(ms, (o) => vault.write(path, data, o)).then(() => undefined),
    post: (path, data, ms) => withToken(ms, (o) => vault.write(path, data, o)).then(dataOf),
    remove: (path, ms) => withToken(ms, (o) => vault.delete(path, o)).then(() => undefined),

    async authenticate(ms, engine) {
      if (auth.kind !== "token") {
        logins.delete(loginKey);
        return (await cachedLogin(auth, ms)).policies;
      }
      vault.token = auth.token;
      try {
        const self = dataOf(await vault.tokenLookupSelf({ requestOptions: { timeout: ms } }));
        return policiesOf(vaultData(self).policies);
      } catch (error) {
        if (vaultStatus(error) !== 403) throw error;
        // lookup-self is in the default policy. Without it, the mount preflight tells a known token ("preflight capability
        // check returned 403", or an answer) from one Vault does not know (a plain "permission denied").
        const known = await vault
          .read(`sys/internal/ui/mounts/${engine.split("/").map(encodeURIComponent).join("/")}`, { timeout: ms })
          .then(
            () => true,
            (e: unknown) => vaultStatus(e) === 403 && /preflight/i.test(vaultMessage(e)),
          );
        if (known) return null;
        throw new BackendError(
          "unauthenticated",
          `The token was refused (invalid, expired or revoked): ${vaultMessage(error)}`,
        );
      }
    },
  };
}

type LoginAnswer = Omit<HeldToken, "obtainedAt" | "capped">;

async function nodeVaultLogin(
  vault: NodeVaultClient,
  auth: Exclude<Auth, { kind: "token" }>,
  requestOptions: { timeout: number },
  reader: TokenFileReader,
): Promise<LoginAnswer> {
  let answer: unknown;
  if (auth.kind === "jwt" || auth.kind === "kubernetes") {
    const login = identityLoginRequest(auth, await identityJwt(auth, reader));
    answer = await vault.write(login.path, login.body, requestOptions);
  } else
    answer =
      auth.kind === "userpass"
        ? // node-vault puts the username into the URL path as it is: encode it so that it cannot reach another path.
          await vault.userpassLogin({
            username: encodeURIComponent(auth.user),
            password: auth.password,
            requestOptions,
          })
        : await vault.approleLogin({
            mount_point: auth.mount,
            role_id: auth.roleId,
            secret_id: auth.secretId,
            requestOptions,
          });
  const a = (
    answer as
      | {
          auth?: {
            client_token?: string;
            policies?: unknown;
            token_policies?: unknown;
            lease_duration?: number;
            renewable?: boolean;
          };
        }
      | undefined
  )?.auth;
  if (!a?.client_token) throw new BackendError("unauthenticated", "Vault answered the login without a token.");
  return {
    token: a.client_token,
    policies: policiesOf(a.policies ?? a.token_policies),
    lease: a.lease_duration ?? 0,
    renewable: a.renewable === true,
  };
}

function policiesOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((p): p is string => typeof p === "string") : [];
}
