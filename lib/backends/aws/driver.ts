import "server-only";
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
  type SecretListEntry,
  type SecretsManagerClient,
  type Tag,
} from "@aws-sdk/client-secrets-manager";
import type { BackendContext } from "../adapter";
import { BackendError } from "../backend-error";
import type { RawSecret } from "../classify";
import { managedName } from "../naming";
import type { PageBudget } from "../page-budget";
import type { PageRetry, TaggedDriver } from "../tagged-adapter";
import { noRetry, selectionRules } from "../tagged-adapter";
import { awsClient } from "./client";
import type { AwsSection } from "./config";
import { awsErrorCode } from "./errors";
import { listFilters } from "./list-filters";

/** ListSecrets' largest page. */
const PAGE_SIZE = 100;
/** Deleted secrets stay recoverable (RestoreSecret) for the shortest window AWS allows. */
export const RECOVERY_WINDOW_DAYS = 7;
/** AWS secret names: letters, digits and /_+=.@- up to 512 characters. */
const NAME_RULES = { allowed: /[A-Za-z0-9/_+=.@-]/, separator: "-", maxLength: 512, keepPath: true };

const tagsOf = (list: Tag[] | undefined): Record<string, string> =>
  Object.fromEntries((list ?? []).filter((t) => t.Key).map((t) => [t.Key!, t.Value ?? ""]));
const tagList = (tags: Record<string, string>): Tag[] => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

function rawOf(entry: SecretListEntry): RawSecret {
  return {
    name: entry.Name ?? "",
    tags: tagsOf(entry.Tags),
    description: entry.Description || null,
    updatedAt: entry.LastChangedDate ?? entry.CreatedDate ?? null,
    lifecycle: { lastRotatedAt: entry.LastRotatedDate ?? null, nextRotationAt: entry.NextRotationDate ?? null },
  };
}

/** The TaggedDriver for AWS Secrets Manager: one region (and endpoint) per configuration. */
export function createAwsDriver(ctx: BackendContext): TaggedDriver {
  const section = (ctx.document["aws-secret-manager"] ?? {}) as AwsSection;
  const client: SecretsManagerClient = awsClient(section, ctx.timeoutMs ?? 15_000, ctx.egress, ctx.attachment.tenant);
  const filters = listFilters(selectionRules(ctx), ctx.document["read-only"]);
  const region = async () => section.region ?? (await client.config.region());

  /** Makes the secret's tags exactly `tags`, leaving AWS's own `aws:` tags alone (they cannot be removed). */
  async function setTags(
    name: string,
    current: Record<string, string>,
    tags: Record<string, string>,
    signal: AbortSignal,
  ) {
    const stale = Object.keys(current).filter((k) => !(k in tags) && !k.startsWith("aws:"));
    const changed = Object.entries(tags).filter(([k, v]) => current[k] !== v);
    if (stale.length)
      await client.send(new UntagResourceCommand({ SecretId: name, TagKeys: stale }), { abortSignal: signal });
    if (changed.length)
      await client.send(new TagResourceCommand({ SecretId: name, Tags: tagList(Object.fromEntries(changed)) }), {
        abortSignal: signal,
      });
  }

  async function update(
    name: string,
    patch: { value?: string; description?: string | null; tags?: Record<string, string> },
    signal: AbortSignal,
  ) {
    if (patch.value !== undefined)
      await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: patch.value }), {
        abortSignal: signal,
      });
    if (patch.description !== undefined)
      await client.send(new UpdateSecretCommand({ SecretId: name, Description: patch.description ?? "" }), {
        abortSignal: signal,
      });
    if (patch.tags) {
      const described = await client.send(new DescribeSecretCommand({ SecretId: name }), { abortSignal: signal });
      await setTags(name, tagsOf(described.Tags), patch.tags, signal);
    }
  }

  return {
    type: "aws-secret-manager",
    target: `AWS Secrets Manager ${section.region ?? "(default region)"}`,

    async *scan(signal: AbortSignal, budget: PageBudget, retry: PageRetry = noRetry) {
      let NextToken: string | undefined;
      do {
        budget.spend();
        const page = await retry(() =>
          client.send(
            new ListSecretsCommand({
              MaxResults: PAGE_SIZE,
              NextToken,
              IncludePlannedDeletion: false,
              ...(filters.length ? { Filters: filters } : {}),
            }),
            { abortSignal: signal },
          ),
        );
        yield (page.SecretList ?? []).filter((s) => s.Name).map(rawOf);
        NextToken = page.NextToken || undefined;
      } while (NextToken);
    },

    async readValue(name: string, signal: AbortSignal) {
      const out = await client.send(new GetSecretValueCommand({ SecretId: name }), { abortSignal: signal });
      if (out.SecretString !== undefined) return out.SecretString;
      throw new BackendError(
        "invalid-input",
        `Secret '${name}' holds binary data (SecretBinary); Keyhold reads only text secrets (SecretString).`,
      );
    },

    async create(name, value, meta, signal) {
      try {
        await client.send(
          new CreateSecretCommand({
            Name: name,
            SecretString: value,
            Description: meta.description ?? undefined,
            Tags: tagList(meta.tags),
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        // A secret deleted through Keyhold keeps its name during the recovery window: restore it and overwrite it.
        const kind = (error as Error)?.name;
        if (kind !== "ResourceExistsException" && kind !== "InvalidRequestException") throw error;
        const existing = await client.send(new DescribeSecretCommand({ SecretId: name }), { abortSignal: signal });
        if (!existing.DeletedDate) throw error;
        await client.send(new RestoreSecretCommand({ SecretId: name }), { abortSignal: signal });
        await update(name, { value, description: meta.description, tags: meta.tags }, signal);
      }
    },

    update,

    async remove(name: string, signal: AbortSignal) {
      await client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: RECOVERY_WINDOW_DAYS }), {
        abortSignal: signal,
      });
    },

    async verify(signal: AbortSignal) {
      await client.send(new ListSecretsCommand({ MaxResults: 1 }), { abortSignal: signal });
      return `listed secrets in ${await region()}`;
    },

    async describe(name: string, signal: AbortSignal) {
      await client.send(new DescribeSecretCommand({ SecretId: name }), { abortSignal: signal });
      return `described '${name}' (DescribeSecret)`;
    },

    nameFor: (ref) => managedName(ref, NAME_RULES),
    errorCode: awsErrorCode,
  };
}
