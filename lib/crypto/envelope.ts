import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { Keyring } from "./keyring";

// Format: kh1.<key id>.<nonce>.<ciphertext+tag>, base64url parts. The key id lets a rotation find old values.
const VERSION = "kh1";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export class DecryptionError extends Error {
  constructor(reason: string) {
    super(`Cannot decrypt stored value: ${reason}`);
    this.name = "DecryptionError";
  }
}

/** `context` is bound as associated data, so a ciphertext copied to another row does not decrypt. */
export function seal(keyring: Keyring, plaintext: string, context: string): string {
  const { id, key } = keyring.current;
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return [VERSION, id, nonce.toString("base64url"), body.toString("base64url")].join(".");
}

export function open(keyring: Keyring, envelope: string, context: string): string {
  const parts = envelope.split(".");
  if (parts.length !== 4 || parts[0] !== VERSION) throw new DecryptionError("unknown format");
  const [, id, nonceText, bodyText] = parts;
  const dataKey = keyring.byId.get(id);
  if (!dataKey) throw new DecryptionError(`key ${id} is not configured`);
  const nonce = Buffer.from(nonceText, "base64url");
  const body = Buffer.from(bodyText, "base64url");
  if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) throw new DecryptionError("truncated value");
  const decipher = createDecipheriv("aes-256-gcm", dataKey.key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new DecryptionError("authentication failed (wrong key or tampered value)");
  }
}

export function keyIdOf(envelope: string): string | undefined {
  const parts = envelope.split(".");
  return parts.length === 4 && parts[0] === VERSION ? parts[1] : undefined;
}
