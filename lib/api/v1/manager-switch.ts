import "server-only";
import { z } from "zod";
import type { PrismaClient } from "../../db/generated/client";
import { KeyholdError } from "../../errors";
import { saveConfig, type SaveConfigInput } from "../../managers/config-store";
import type { ResolvedScope } from "../../managers/scope";
import { SwitchNotConfirmed } from "../../managers/switch-confirmation";
import { previewSwitch } from "../../secrets/switch-preview";
import type { TenantRef } from "../../tenancy/tenant-ref";

/** The `preview` member of a `switch-confirmation-required` problem: counts and key names, never a value. */
export const switchPreviewSchema = z.strictObject({
  from: z.string(),
  to: z.string(),
  changes: z.array(z.string()),
  namespaces: z.array(z.string()),
  counts: z.strictObject({
    current: z.number().int(),
    kept: z.number().int(),
    missing: z.number().int(),
    added: z.number().int(),
  }),
  missing: z.array(z.strictObject({ namespace: z.string(), key: z.string() })),
  truncated: z.boolean(),
  scanError: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
  confirmation: z.string().nullable(),
});

/**
 * Saves a dedicated manager as the console's form does: a change of the backend serving the scope needs its preview's
 * confirmation (`confirmSwitch`). Without one (or with a stale one) nothing is saved and the answer is
 * `switch-confirmation-required` carrying the preview (lib/secrets/switch-preview.ts) and the token to send back.
 */
export async function saveConfirmed(
  prisma: PrismaClient,
  tenant: TenantRef,
  scope: ResolvedScope,
  input: SaveConfigInput,
  who: { actor: string; instanceAdmin: boolean },
) {
  try {
    return await saveConfig(prisma, scope, input, who.actor, {
      instanceAdmin: who.instanceAdmin,
      requireSwitchConfirmation: true,
    });
  } catch (error) {
    if (!(error instanceof SwitchNotConfirmed)) throw error;
    const preview = await previewSwitch(
      prisma,
      tenant,
      scope,
      { enabled: input.enabled, document: input.document, keepCredentials: input.keepCredentials },
      who,
    );
    throw new KeyholdError(
      "switch-confirmation-required",
      `${error.message} Send the request again with "confirmSwitch": the preview's confirmation.`,
      undefined,
      { preview: switchPreviewSchema.parse(previewBody(preview)) },
    );
  }
}

const previewBody = (p: Awaited<ReturnType<typeof previewSwitch>>) => ({
  from: p.from,
  to: p.to,
  changes: p.changes,
  namespaces: p.namespaces,
  counts: p.counts,
  missing: p.missing,
  truncated: p.truncated,
  scanError: p.scanError,
  confirmation: p.confirmation,
});
