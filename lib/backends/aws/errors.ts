import "server-only";
import type { BackendErrorCode } from "../backend-error";

// Error names of Secrets Manager (JSON `__type`), of AWS's auth layer, of the SDK's credential
// providers, and of AWS-style XML answers (moto, gateways) that non-json-errors.ts turns into names.
const BY_NAME: Record<string, BackendErrorCode> = {
  ResourceNotFoundException: "not-found",
  ResourceExistsException: "conflict",
  InvalidRequestException: "conflict",
  PreconditionNotMetException: "conflict",
  InvalidParameterException: "invalid-input",
  ValidationException: "invalid-input",
  InvalidNextTokenException: "invalid-input",
  LimitExceededException: "invalid-input",
  AccessDeniedException: "forbidden",
  AccessDenied: "forbidden",
  DecryptionFailure: "forbidden",
  EncryptionFailure: "forbidden",
  UnrecognizedClientException: "unauthenticated",
  InvalidClientTokenId: "unauthenticated",
  InvalidSignatureException: "unauthenticated",
  SignatureDoesNotMatch: "unauthenticated",
  IncompleteSignature: "unauthenticated",
  MissingAuthenticationToken: "unauthenticated",
  MissingAuthenticationTokenException: "unauthenticated",
  ExpiredTokenException: "unauthenticated",
  ExpiredToken: "unauthenticated",
  InvalidAccessKeyId: "unauthenticated",
  CredentialsProviderError: "unauthenticated",
  TokenProviderError: "unauthenticated",
  ThrottlingException: "throttled",
  Throttling: "throttled",
  TooManyRequestsException: "throttled",
  RequestLimitExceeded: "throttled",
};

const BY_STATUS: Record<number, BackendErrorCode> = {
  401: "unauthenticated",
  403: "forbidden",
  407: "unauthenticated",
  429: "throttled",
};

/** Maps an error of @aws-sdk/client-secrets-manager to a code; null leaves it to the network mapping. */
export function awsErrorCode(error: unknown): BackendErrorCode | null {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } } | null;
  if (!e || typeof e !== "object") return null;
  // A success status with a body that is not Secrets Manager's JSON (an HTML page, a cut-off answer).
  const answered = e.$metadata?.httpStatusCode;
  if (e.name === "UnexpectedResponse" && answered !== undefined && answered >= 200 && answered < 300)
    return "invalid-response";
  const named = e.name ? BY_NAME[e.name] : undefined;
  if (named) return named;
  const message = String(e.message ?? "");
  // The SDK throws a plain Error when neither the document nor AWS_REGION / ~/.aws/config names a region.
  if (/Region is missing|invalid region/i.test(message)) return "invalid-config";
  if (e.name === "TypeError" && /Invalid URL/i.test(message)) return "invalid-config";
  // An answer the SDK could not parse (a proxy's or emulator's page): its HTTP status still says why.
  const status = e.$metadata?.httpStatusCode;
  return (status && BY_STATUS[status]) || null;
}
