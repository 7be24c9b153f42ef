// Test kit: the switch rule every save path asks (lib/managers/switch-confirmation.ts `isBackendSwitch`), on documents
// parsed as a save parses them, the stored side as a save stores it (settings without credentials).
import { parseConfigDocument, splitCredentials, type ConfigDocument } from "../../lib/backends/document";
import { isBackendSwitch, switchChanges } from "../../lib/managers/switch-confirmation";

/** A document parsed as the settings form's save parses it (incomplete settings only warned, as in the seed's). */
export function parsed(doc: unknown): ConfigDocument {
  const r = parseConfigDocument(doc, { unknownKeys: "error", incomplete: "warn" });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.document;
}

/** The stored, enabled row of a configuration `from`, as a save stores it. */
export function storedRow(from: unknown) {
  const before = parsed(from);
  return {
    enabled: true,
    type: before.type,
    settings: splitCredentials(before).settings as unknown as Record<string, unknown>,
  };
}

/** Whether saving `to` over the stored, enabled configuration `from` switches what the scope sees. */
export function switches(from: unknown, to: unknown): boolean {
  return isBackendSwitch(storedRow(from), true, parsed(to));
}

/** What the switch dialog names as changed when saving `to` over `from` (empty: no switch). */
export function changedWords(from: unknown, to: unknown): string[] {
  return switchChanges(storedRow(from), true, parsed(to));
}
