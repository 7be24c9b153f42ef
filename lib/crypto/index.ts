import "server-only";
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
