import "server-only";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { SwitchCounts } from "../audit/record";
import { splitCredentials, type ConfigDocument } from "../backends/document";
import { changedDestinations, destinationWord } from "../backends/destination";
import { changedView, viewWord } from "../backends/view";
import type { ExternalBackendType } from "../backends/descriptors";
import { deriveSecret } from "../crypto";
import { KeyholdError } from "../errors";
import type { ResolvedScope } from "./scope";

/** How long a preview's confirmation stays good: long enough to read the list, short enough to be about now. */
const TTL_MS = 15 * 60_000;

interface Claims {
  tenantId: string;
  scopeKey: string;
  /** The row version the preview compared against (null: no row). */
  version: number | null;
  /** What would be saved (settings without credentials, or "off"). */
  target: string;
  counts: SwitchCounts;
  exp: number;
}

/** What a save would make the scope's configuration: its settings (no credential), or off. */
export function targetOf(enabled: boolean, document: ConfigDocument | null): string {
  const what = enabled && document ? JSON.stringify(splitCredentials(document).settings) : "off";
  return createHash("sha256").update(what).digest("hex");
}

/** A save refused for want of its preview's confirmation (the REST API answers it with a fresh preview). */
export class SwitchNotConfirmed extends KeyholdError {
  constructor(why: string) {
    super("invalid-input", `This change switches the backend that serves the namespace: ${why} Nothing was saved.`, {
      confirmSwitch: "Review which secrets would disappear, then confirm.",
    });
  }
}

const sign = (body: string) => createHmac("sha256", deriveSecret("switch-confirmation")).update(body).digest();

/** The token a preview hands the form: the save of exactly this change, on this version, may go ahead. */
export function issueConfirmation(scope: ResolvedScope, version: number | null, target: string, counts: SwitchCounts) {
  const claims: Claims = {
    tenantId: scope.tenantId,
    scopeKey: scope.scopeKey,
    version,
    target,
    counts,
    exp: Date.now() + TTL_MS,
  };
  const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
  return `${body}.${sign(body).toString("base64url")}`;
}

/**
 * The counts a confirmed switch records, or `invalid-input` (field `confirmSwitch`) when the save has no confirmation
 * for this very change: missing, forged, expired, or from a preview of another scope, version or configuration.
 */
export function checkConfirmation(
  token: string | undefined,
  scope: ResolvedScope,
  version: number | null,
  target: string,
): SwitchCounts {
  const refuse = (why: string): never => {
    throw new SwitchNotConfirmed(why);
  };
  if (!token) return refuse("preview it and confirm first.");
  const [body, mac] = token.split(".");
  const expected = sign(body ?? "");
  const given = Buffer.from(mac ?? "", "base64url");
  if (!body || given.length !== expected.length || !timingSafeEqual(given, expected))
    return refuse("the confirmation is not valid; preview it again.");
  let claims: Claims;
  try {
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Claims;
  } catch {
    return refuse("the confirmation is not valid; preview it again.");
  }
  if (claims.exp < Date.now()) return refuse("the confirmation expired; preview it again.");
  if (
    claims.tenantId !== scope.tenantId ||
    claims.scopeKey !== scope.scopeKey ||
    claims.version !== version ||
    claims.target !== target
  )
    return refuse("the confirmation was given for another change; preview it again.");
  return claims.counts;
}

/**
 * What makes saving change the backend that serves the scope, or what it shows there, in the form's words (empty: no
 * switch): a dedicated manager turned on or off, its type changed, a destination field (where it connects, what it
 * unlocks), or a view setting (its descriptor's `view`: the Vault mount, KV version, path prefix and read-only flag,
 * the AWS role, the tagged backends' prefix and filters). Other edits (a rotated credential for the same role and
 * address, cache settings, default tags) keep what the scope sees and need no preview. The console's form, the REST
 * API and the tenant-file plan all ask this; the switch dialog names what it lists.
 */
export function switchChanges(
  row: { enabled: boolean; type: ExternalBackendType; settings: Record<string, unknown> } | null,
  enabled: boolean,
  document: ConfigDocument | null,
): string[] {
  const before = row?.enabled ? row : null;
  const after = enabled ? document : null;
  if (!before && !after) return [];
  if (!before) return ["dedicated secrets manager turned on"];
  if (!after) return ["dedicated secrets manager turned off"];
  if (before.type !== after.type) return ["backend type"];
  const type = after.type as ExternalBackendType;
  // Several paths can share a word (Vault's auth mount path of each method): each word once.
  return [
    ...new Set([
      ...changedDestinations(type, before.settings[type], after[type]).map((p) => destinationWord(type, p)),
      ...changedView(type, before.settings, after).map((p) => viewWord(type, p)),
    ]),
  ];
}

/** Whether saving switches the backend that serves the scope (switchChanges names why). */
export function isBackendSwitch(...args: Parameters<typeof switchChanges>): boolean {
  return switchChanges(...args).length > 0;
}
