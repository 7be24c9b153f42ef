import "server-only";
import { networkErrorCode, type BackendErrorCode } from "../backend-error";

/** DNS suffixes of Key Vault in the public and sovereign clouds: an unknown name there means the vault does not exist. */
const VAULT_DNS_SUFFIXES = [
  ".vault.azure.net",
  ".vault.azure.cn",
  ".vault.usgovcloudapi.net",
  ".vault.microsoftazure.de",
];

/**
 * A failure to reach the Microsoft Entra ID authority. The identity library reports those as a bare
 * "endpoints_resolution_error"; the driver keeps the network error it saw and wraps it in this.
 */
export class AuthorityError extends Error {
  constructor(
    message: string,
    readonly cause: unknown,
  ) {
    super(message);
    this.name = "AuthorityError";
  }
}

interface AzureErrorShape {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
  request?: { url?: string };
  cause?: unknown;
}

const CREDENTIAL_ERRORS = new Set([
  "AuthenticationError",
  "AuthenticationRequiredError",
  "CredentialUnavailableError",
  "AggregateAuthenticationError",
]);

/** The tenant a vault's challenge asked for, when the credential is set up for another one. */
export function challengedTenant(error: unknown): string | null {
  const e = error as AzureErrorShape;
  if (e?.name !== "CredentialUnavailableError") return null;
  return (
    /not configured to acquire tokens for tenant ([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)/.exec(e.message ?? "")?.[1] ?? null
  );
}

function hostOf(url: string | undefined): string {
  try {
    return url ? new URL(url).hostname.toLowerCase() : "";
  } catch {
    return "";
  }
}

/** SDK error → Keyhold code; null lets the generic layer apply its network rules. */
export function azureErrorCode(error: unknown): BackendErrorCode | null {
  const e = error as AzureErrorShape;
  if (!e || typeof e !== "object") return null;
  if (e.name === "AuthorityError") return networkErrorCode(e.cause) ?? "unreachable";

  // The pager found no `value` list in the answer: not Key Vault's JSON (an HTML page, a cut-off body).
  if (/Couldn't paginate response|Body doesn't contain an array property/i.test(e.message ?? ""))
    return "invalid-response";
  if (e.name === "RestError") {
    if (e.code === "ENOTFOUND" && VAULT_DNS_SUFFIXES.some((s) => hostOf(e.request?.url).endsWith(s)))
      return "not-found";
    switch (e.statusCode) {
      case 400:
      case 413:
        return "invalid-input";
      case 401:
        return "unauthenticated";
      case 403:
        return "forbidden";
      case 404:
        return "not-found";
      case 408:
      case 504:
        return "timeout";
      case 409:
        return "conflict";
      case 429:
        return "throttled";
      default:
        return null;
    }
  }

  if (e.name && CREDENTIAL_ERRORS.has(e.name)) {
    const message = e.message ?? "";
    if (challengedTenant(error)) return "invalid-config";
    // AADSTS90002: the tenant does not exist in this cloud (wrong tenantId or authority-host).
    if (/AADSTS90002\b/.test(message)) return "invalid-config";
    // Without a captured cause the identity library only says it could not reach the authority.
    if (/endpoints_resolution_error/.test(message)) return "unreachable";
    return "unauthenticated";
  }

  // Key Vault's challenge names another resource than the vault's host (private clouds, emulators).
  if (/challenge resource '.*' does not match the requested domain/.test(e.message ?? "")) return "invalid-config";
  return null;
}
