import "server-only";
import { SecretsManagerServiceException, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { BACKEND_TEXT_MAX, clip } from "../backend-error";

// The middleware type as the client itself declares it (no direct dependency on @smithy/types).
type Middleware = Parameters<SecretsManagerClient["middlewareStack"]["addRelativeTo"]>[0];
type Next = (args: unknown) => Promise<{ output: unknown; response: unknown }>;

const MAX_BODY = 8_192;

interface RawResponse {
  statusCode: number;
  headers: Record<string, string | undefined>;
  body?: AsyncIterable<Uint8Array | string>;
}

async function bodyText(body: RawResponse["body"]): Promise<string> {
  if (!body || typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] !== "function") return "";
  let text = "";
  for await (const chunk of body) {
    if (text.length < MAX_BODY) text += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
  }
  return text;
}

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]{1,2000})</${name}>`).exec(xml)?.[1]?.trim();

/**
 * Secrets Manager answers errors in JSON, but gateways, proxies and emulators (moto's IAM checks)
 * answer some in AWS's XML shape or as HTML; the JSON deserializer then reports only "Unexpected
 * token '<'". This reads such an answer's <Code>/<Message> so the error keeps its AWS name.
 */
const readNonJsonErrors = (next: Next) => async (args: unknown) => {
  const out = await next(args);
  const response = out.response as RawResponse;
  const type = String(response?.headers?.["content-type"] ?? "");
  // Success answers are parsed as JSON whatever their type (moto answers text/html); readUnparsable words their failures.
  if (!response || response.statusCode < 300 || /json/i.test(type)) return out;
  const text = await bodyText(response.body);
  // An AWS-style error's own <Code> and short <Message>; of any other page only its status and type, never its text.
  const code = tag(text, "Code");
  const name = code && /^[A-Za-z0-9.:_-]{1,100}$/.test(code) ? code : undefined;
  const words = name ? tag(text, "Message") : undefined;
  throw new SecretsManagerServiceException({
    name: name ?? "UnexpectedResponse",
    $fault: response.statusCode >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: response.statusCode },
    message: words
      ? clip(words, BACKEND_TEXT_MAX)
      : `The endpoint answered HTTP ${response.statusCode}${type ? ` (${clip(type.split(";")[0].trim(), 60)})` : ""}, which is not an AWS answer`,
  });
};

function unexpected(status: number, what: string) {
  return new SecretsManagerServiceException({
    name: "UnexpectedResponse",
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
    message: `The endpoint answered HTTP ${status} ${what}, which is not an AWS answer`,
  });
}

/** The deserialize-step middleware, placed inside the SDK's deserializer so it sees the raw answer first. */
export const nonJsonErrors = readNonJsonErrors as unknown as Middleware;

/**
 * Outside the deserializer: a JSON-typed answer that does not parse makes V8 quote its first characters
 * ("Unexpected token '<', \"<html><bod\"..."); this says what happened instead, quoting nothing.
 */
const readUnparsable = (next: Next) => async (args: unknown) => {
  try {
    return await next(args);
  } catch (error) {
    const e = error as { name?: string; message?: string; $response?: { statusCode?: number } };
    if (
      e?.$response &&
      /is not valid JSON|Unexpected token|Unexpected end of JSON|Unexpected non-whitespace/i.test(
        String(e.message ?? ""),
      )
    ) {
      throw unexpected(e.$response.statusCode ?? 0, "with a body that is not valid JSON");
    }
    throw error;
  }
};

export const unparsableAnswers = readUnparsable as unknown as Middleware;
