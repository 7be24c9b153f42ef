import "server-only";
import { createHmac } from "node:crypto";
import { dataDir } from "../settings";
import { loadKeyring, type Keyring } from "./keyring";
import { open, seal } from "./envelope";

// The one owner of Keyhold's encryption: everything else calls encrypt/decrypt with a context label.
let keyring: Keyring | undefined;

function ring(): Keyring {
  keyring ??= loadKeyring(dataDir());
  return keyring;
}

export function encrypt(plaintext: string, context: string): string {
  return seal(ring(), plaintext, context);
}

export function decrypt(envelope: string, context: string): string {
  return open(ring(), envelope, context);
}

/** Creates the key file at start-up, so a missing or unreadable key fails fast rather than on first save. */
export function initEncryption(): { keyId: string } {
  return { keyId: ring().current.id };
}

/** A stable secret for another purpose (cookie signing), derived from the current key so no second key must be kept. */
export function deriveSecret(label: string): string {
  return createHmac("sha256", ring().current.key).update(`keyhold:${label}`).digest("base64url");
}
