import "server-only";
import { SecretsManagerServiceException, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

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

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]{1,500})</${name}>`).exec(xml)?.[1]?.trim();

/**
 * Secrets Manager answers errors in JSON, but gateways, proxies and emulators (moto's IAM checks)
 * answer some in AWS's XML shape or as HTML; the JSON deserializer then reports only "Unexpected
 * token '<'". This reads such an answer's <Code>/<Message> so the error keeps its AWS name.
 */
const readNonJsonErrors = (next: Next) => async (args: unknown) => {
  const out = await next(args);
  const response = out.response as RawResponse;
  const type = String(response?.headers?.["content-type"] ?? "");
  if (!response || response.statusCode < 300 || /json/i.test(type)) return out;
  const text = await bodyText(response.body);
  const code = tag(text, "Code");
  const words = tag(text, "Message");
  const snippet = text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim().slice(0, 200);
  throw new SecretsManagerServiceException({
    name: code ?? "UnexpectedResponse",
    $fault: response.statusCode >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: response.statusCode },
    message: words ?? `The endpoint answered HTTP ${response.statusCode}${type ? ` (${type.split(";")[0]})` : ""}${snippet ? `: ${snippet}` : ""}`,
  });
};

/** The deserialize-step middleware, placed inside the SDK's deserializer so it sees the raw answer first. */
export const nonJsonErrors = readNonJsonErrors as unknown as Middleware;
