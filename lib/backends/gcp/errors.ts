import "server-only";
import { Status } from "google-gax";
import type { BackendErrorCode } from "../backend-error";

interface GrpcLikeError {
  code?: unknown;
  details?: unknown;
  message?: unknown;
  /** ErrorInfo.reason, which google-gax copies from the status details. */
  reason?: unknown;
}

// @grpc/grpc-js reports connection failures as UNAVAILABLE with the socket's error in the text.
const TLS =
  /wrong version number|self[- ]signed certificate|unable to (get|verify)[a-z ]*certificate|certificate (has expired|is not yet valid|signature failure)|ERR_TLS|SSL routines|Hostname\/IP does not match|secure TLS connection|alert (handshake|certificate)/i;
const UNREACHABLE =
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNRESET|getaddrinfo|No connection established|Connection dropped/i;

// After its retries google-gax reports DEADLINE_EXCEEDED and only quotes the last error in its text.
const RETRIED =
  /^(?:Exceeded maximum number of retries|Total timeout of API \S+ exceeded \d+ milliseconds)\s+retrying error (?:Error: )?((\d+) [A-Z_]+: [\s\S]*?)\s*before any response was received/;

/** The error of the last attempt when google-gax wrapped it after retrying, else the error itself. */
export function lastAttempt(error: unknown): unknown {
  const m = RETRIED.exec(String((error as GrpcLikeError)?.message ?? ""));
  if (!m) return error;
  const last = new Error(m[1]) as Error & { code: number };
  last.code = Number(m[2]);
  return last;
}

function unwrap(error: unknown): GrpcLikeError & { text: string } {
  const e = (lastAttempt(error) ?? {}) as GrpcLikeError;
  return { ...e, code: e.code, message: e.message, text: `${String(e.details ?? "")} ${String(e.message ?? "")}` };
}

/** Maps Secret Manager (google-gax / @grpc/grpc-js) errors to Keyhold's codes; null when unknown. */
export function gcpErrorCode(error: unknown): BackendErrorCode | null {
  const e = unwrap(error);
  const text = e.text;
  // The credential could not produce a token (a broken key, no Application Default Credentials, ...).
  if (
    /Getting metadata from plugin failed|Could not load the default credentials|Could not refresh access token/i.test(
      text,
    )
  )
    return "unauthenticated";
  // Something that speaks HTTP/2 but not gRPC (a gateway's page), or a message cut short.
  if (
    (e.code === Status.INTERNAL || e.code === Status.UNKNOWN || e.code === Status.UNIMPLEMENTED) &&
    /Call ended without gRPC status|No message received|Failed to parse server response|Received invalid message|unexpected content-type/i.test(
      text,
    )
  )
    return "invalid-response";
  switch (e.code) {
    case Status.UNAUTHENTICATED:
      return "unauthenticated";
    case Status.PERMISSION_DENIED:
      // The Secret Manager API is not enabled in the project: the service itself is missing there.
      return e.reason === "SERVICE_DISABLED" ||
        /has not been used in project|API .* is disabled|it is disabled/i.test(text)
        ? "not-found"
        : "forbidden";
    case Status.NOT_FOUND:
      return "not-found";
    case Status.ALREADY_EXISTS:
    case Status.ABORTED:
      return "conflict";
    case Status.DEADLINE_EXCEEDED:
    case Status.CANCELLED:
      return "timeout";
    case Status.INVALID_ARGUMENT:
    case Status.OUT_OF_RANGE:
    case Status.FAILED_PRECONDITION:
      return "invalid-input";
    case Status.UNAVAILABLE:
    case Status.UNKNOWN:
    case Status.INTERNAL:
      if (TLS.test(text)) return "tls";
      if (UNREACHABLE.test(text) || e.code === Status.UNAVAILABLE) return "unreachable";
      return null;
    case Status.RESOURCE_EXHAUSTED:
      // Quota: the service refuses for now (retried within the call's budget); the message names the quota.
      return "throttled";
  }
  return null;
}
