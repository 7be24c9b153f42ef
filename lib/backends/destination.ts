import type { Identity } from "./config-fields";
import type { ConfigDocument } from "./document";
import { getPath } from "./document-path";
import { descriptorOf, type ExternalBackendType } from "./descriptors";

// Pure rules of the credential boundary, shared by the server (which enforces them) and the settings form
// (which says so as soon as a destination field is edited).

const normalise = (v: unknown): string | null =>
  v === undefined || v === null || v === "" ? null : typeof v === "string" ? v.trim() || null : JSON.stringify(v);

/** The destination fields of a section (paths inside it), absent ones as null. */
export function destinationOf(type: ExternalBackendType, section: unknown): Record<string, string | null> {
  return Object.fromEntries(
    Object.keys(descriptorOf(type).destinations).map((p) => [p, normalise(getPath(section, p))]),
  );
}

/** Which destination fields (paths inside the section) differ between two sections of one type. */
export function changedDestinations(type: ExternalBackendType, before: unknown, after: unknown): string[] {
  const a = destinationOf(type, before);
  const b = destinationOf(type, after);
  return Object.keys(a).filter((p) => a[p] !== b[p]);
}

/** "a, b and c": setting words in messages. */
export function wordList(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/** The word forms use for a credential (path inside the section): "token", "client secret". */
export function credentialNoun(type: ExternalBackendType, credentialPath: string): string {
  const { credentials } = descriptorOf(type);
  return Object.hasOwn(credentials, credentialPath) ? credentials[credentialPath] : "credential";
}

/** The word forms use for a destination field (path inside the section): "address", "auth mount path". */
export function destinationWord(type: ExternalBackendType, path: string): string {
  const { destinations } = descriptorOf(type);
  return Object.hasOwn(destinations, path) ? destinations[path] : path;
}

/** "Enter the token again: the address changed", for a kept credential (path inside the section). */
export function reenterMessage(type: ExternalBackendType, credentialPath: string, changed: string[]): string {
  const words = changed.map((p) => destinationWord(type, p));
  return `Enter the ${credentialNoun(type, credentialPath)} again: the ${wordList(words)} changed`;
}

/** Whose identity a parsed document authenticates with. */
export function identityOf(document: ConfigDocument): Identity {
  return descriptorOf(document.type).identity(document[document.type] ?? {});
}

/** The host (and port) a parsed document sends its credentials to. */
export function hostOf(document: ConfigDocument): string {
  return descriptorOf(document.type).host(document[document.type] ?? {});
}
