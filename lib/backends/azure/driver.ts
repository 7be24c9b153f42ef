import "server-only";
import type { SecretClient, SecretProperties } from "@azure/keyvault-secrets";
import type { BackendContext } from "../adapter";
import { BackendError } from "../backend-error";
import type { RawSecret } from "../classify";
import { managedName } from "../naming";
import type { TaggedDriver } from "../tagged-adapter";
import { azureClients, vaultUrlOf, type AzureClients } from "./client";
import type { AzureSection } from "./config";
import { AuthorityError, azureErrorCode, challengedTenant } from "./errors";

/** Key Vault's limits: names of 1-127 letters, digits and dashes; at most 15 tags per secret. */
const NAME_RULES = { allowed: /[A-Za-z0-9-]/, separator: "-", maxLength: 127 };
const MAX_TAGS = 15;
/** Key Vault pages hold at most 25 items. */
const PAGE_SIZE = 25;
/** Delete and recover finish in seconds; poll faster than the SDK's 2 s default. */
const POLL_MS = 500;

const statusOf = (error: unknown) => (error as { statusCode?: number })?.statusCode;

/** Keyhold keeps the description in the secret's content type: Key Vault has no description field and allows only 15 tags. */
function toRaw(p: SecretProperties): RawSecret {
  return {
    name: p.name,
    tags: p.tags ?? {},
    description: p.contentType || null,
    updatedAt: p.updatedOn ?? p.createdOn ?? null,
    lifecycle: { enabled: p.enabled ?? null, expiresAt: p.expiresOn ?? null, notBefore: p.notBefore ?? null },
  };
}

function checkTags(tags: Record<string, string>): void {
  const count = Object.keys(tags).length;
  if (count > MAX_TAGS) {
    throw new BackendError(
      "invalid-input",
      `Azure Key Vault allows at most ${MAX_TAGS} tags on a secret; this one would carry ${count} (Keyhold's tenant, namespace, key and prefix tags included).`,
    );
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function createAzureDriver(ctx: BackendContext): TaggedDriver {
  const section = (ctx.document["azure-key-vault"] ?? {}) as AzureSection;
  const timeoutMs = ctx.timeoutMs ?? 15_000;
  let target: string;
  try {
    target = `Azure Key Vault ${hostOf(vaultUrlOf(section))}`;
  } catch {
    target = "Azure Key Vault (no vault configured)";
  }

  const clients = (): AzureClients => azureClients(section, timeoutMs, ctx.egress, ctx.attachment.tenant);

  /** Rewrites the SDK's least helpful messages so that they say what went wrong and which setting to look at. */
  function explain(error: unknown, c: AzureClients): unknown {
    const e = error as { name?: string; message?: string; statusCode?: number; code?: string };
    const tenant = challengedTenant(error);
    if (tenant) {
      return new BackendError(
        "invalid-config",
        `${target}: the vault belongs to directory (tenant) ${tenant}, but ${section.workloadIdentity ? "workloadIdentity" : "clientSecret"}.tenantId is ${section.workloadIdentity?.tenantId ?? section.clientSecret?.tenantId}. Use the vault's tenant.`,
      );
    }
    const resource = /challenge resource '(.*?)' does not match/.exec(e?.message ?? "")?.[1];
    if (resource) {
      return new BackendError(
        "invalid-config",
        `${target}: the vault's sign-in challenge is for '${resource}', which ${hostOf(c.vaultUrl)} is not part of. For a private endpoint, custom domain or emulator, turn on disable-challenge-resource-verification.`,
      );
    }
    // The last token request failed on the token file policy (the SDK wraps that as a sign-in failure).
    if (c.authority.refusal) return c.authority.refusal;
    const failure = c.authority.failure;
    if (failure && /CredentialUnavailableError|AuthenticationRequiredError|AuthenticationError/.test(e?.name ?? "")) {
      return new AuthorityError(
        `Microsoft Entra ID at ${c.authorityHost} did not answer the token request: ${(failure as Error).message ?? failure}`,
        failure,
      );
    }
    // The SDK's pager drops Key Vault's own message; the status and error code are all that is left.
    if (e?.name === "RestError" && e.message?.startsWith("Pagination failed")) {
      e.message = `listing secrets answered HTTP ${e.statusCode} ${e.code ?? ""}`.trim();
      if (e.statusCode === 403)
        e.message +=
          ": the identity needs the secrets list permission (access policy) or a Key Vault Secrets role (RBAC)";
    }
    return error;
  }

  async function run<T>(fn: (client: SecretClient) => Promise<T>): Promise<T> {
    const c = clients();
    try {
      return await fn(c.client);
    } catch (error) {
      throw explain(error, c);
    }
  }

  async function setValue(
    client: SecretClient,
    name: string,
    value: string,
    tags: Record<string, string>,
    contentType: string | undefined,
    signal: AbortSignal,
  ) {
    await client.setSecret(name, value, { tags, contentType, abortSignal: signal });
  }

  return {
    type: "azure-key-vault",
    target,

    async *scan(signal, budget) {
      const pages = clients()
        .client.listPropertiesOfSecrets({ abortSignal: signal })
        .byPage({ maxPageSize: PAGE_SIZE });
      // Iterating by hand so each page goes through run() and its error explanation.
      for (;;) {
        const next = await run(() => pages.next());
        if (next.done) return;
        budget.spend();
        yield next.value.map(toRaw);
      }
    },

    async readValue(name, signal) {
      const secret = await run((client) => client.getSecret(name, { abortSignal: signal }));
      return secret.value ?? "";
    },

    async create(name, value, meta, signal) {
      checkTags(meta.tags);
      const contentType = meta.description ?? undefined;
      await run(async (client) => {
        // Setting a live name only adds a version: refuse rather than overwrite a secret this configuration does not select.
        const live = await client.getSecret(name, { abortSignal: signal }).then(
          () => true,
          (error: unknown) => (statusOf(error) === 404 ? false : Promise.reject(error)),
        );
        if (live)
          throw new BackendError(
            "conflict",
            `${target}: a secret named ${name} already exists without this key's tags; Keyhold does not overwrite it.`,
          );
        try {
          await setValue(client, name, value, meta.tags, contentType, signal);
        } catch (error) {
          // Key Vault keeps a deleted secret's name until it is recovered or purged: say so, and what to do.
          if (statusOf(error) === 409 && /deleted but recoverable/i.test((error as Error).message ?? ""))
            throw new BackendError(
              "conflict",
              `${target}: secret ${name} is deleted but recoverable, and Key Vault keeps its name until it is recovered or purged. Recover it (or purge it) from the deleted secrets of this namespace.`,
            );
          throw error;
        }
      });
    },

    async update(name, patch, signal) {
      if (patch.tags) checkTags(patch.tags);
      await run(async (client) => {
        // Tags and content type belong to a version: a new value must carry them over explicitly.
        const current = await client.getSecret(name, { abortSignal: signal });
        const props = current.properties;
        if (patch.value !== undefined) {
          const contentType = patch.description === undefined ? props.contentType : (patch.description ?? undefined);
          await setValue(client, name, patch.value, patch.tags ?? props.tags ?? {}, contentType, signal);
        } else if (patch.tags || patch.description !== undefined) {
          await client.updateSecretProperties(name, props.version ?? "", {
            tags: patch.tags,
            contentType: patch.description === undefined ? undefined : (patch.description ?? ""),
            abortSignal: signal,
          });
        }
      });
    },

    async remove(name, signal) {
      // Soft delete: the secret stays recoverable (Recover, Purge); the call returns once Key Vault finished deleting.
      await run(async (client) => {
        const poller = await client.beginDeleteSecret(name, { abortSignal: signal, intervalInMs: POLL_MS });
        await poller.pollUntilDone({ abortSignal: signal });
      });
    },

    softDelete: {
      list: (signal) =>
        run(async (client) => {
          const out = [];
          for await (const page of client
            .listDeletedSecrets({ abortSignal: signal })
            .byPage({ maxPageSize: PAGE_SIZE }))
            for (const d of page)
              out.push({
                ...toRaw(d.properties),
                deletedOn: d.properties.deletedOn ?? null,
                purgeOn: d.properties.scheduledPurgeDate ?? null,
              });
          return out;
        }),
      recover: (name, signal) =>
        run(async (client) => {
          const poller = await client.beginRecoverDeletedSecret(name, { abortSignal: signal, intervalInMs: POLL_MS });
          await poller.pollUntilDone({ abortSignal: signal });
        }),
      purge: (name, signal) => run((client) => client.purgeDeletedSecret(name, { abortSignal: signal })),
    },

    async verify(signal) {
      const c = clients();
      try {
        await run((client) =>
          client.listPropertiesOfSecrets({ abortSignal: signal }).byPage({ maxPageSize: 1 }).next(),
        );
        return `listed the secrets of Key Vault ${c.vaultUrl} with ${c.identity}`;
      } catch (error) {
        if (statusOf(error) === 404)
          throw new BackendError("not-found", `${target}: no Key Vault answers at ${c.vaultUrl} (HTTP 404).`);
        throw error;
      }
    },

    async describe(name, signal) {
      await run((client) =>
        client.listPropertiesOfSecretVersions(name, { abortSignal: signal }).byPage({ maxPageSize: 1 }).next(),
      );
      return `listed the versions of '${name}' (metadata only)`;
    },

    nameFor(ref) {
      return managedName(ref, NAME_RULES);
    },

    errorCode: azureErrorCode,
  };
}
