import "server-only";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Node } from "yaml";
import { parseConfigDocument, splitCredentials, type ConfigDocument, type Credentials } from "../backends/document";
import { pathKeys } from "../backends/document-path";
import { parseEgressEntry } from "../net/egress";
import { processEnvironment } from "../env";

export const DEFAULT_CONFIG_FILE = "keyhold.yaml";

export interface GlobalBackend {
  file: string;
  settings: ConfigDocument;
  credentials: Credentials;
}

/** `keyhold.egress`: the instance's allow and deny lists for addresses tenants define (docs/security.md). */
export interface EgressLists {
  allow: string[];
  deny: string[];
}

export interface ConfigFileResult {
  backend: GlobalBackend | null;
  /** null when the file has no `keyhold.egress` section. */
  egress?: EgressLists | null;
  warnings: string[];
}

export class ConfigFileError extends Error {}

/** KEYHOLD_CONFIG_FILE names the file; without it, ./keyhold.yaml is read when it exists. */
export function configFilePath(env: Record<string, string | undefined> = processEnvironment()): {
  file: string;
  explicit: boolean;
} {
  const explicit = env.KEYHOLD_CONFIG_FILE?.trim();
  return { file: path.resolve(/*turbopackIgnore: true*/ explicit || DEFAULT_CONFIG_FILE), explicit: !!explicit };
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Parses and validates the configuration file; throws ConfigFileError naming file, line and key. */
export function loadConfigFile(env: Record<string, string | undefined> = processEnvironment()): ConfigFileResult {
  const { file, explicit } = configFilePath(env);
  if (!existsSync(/*turbopackIgnore: true*/ file)) {
    if (explicit) throw new ConfigFileError(`${file}: configuration file not found (KEYHOLD_CONFIG_FILE)`);
    return { backend: null, warnings: [] };
  }
  return parseConfigFile(readFileSync(/*turbopackIgnore: true*/ file, "utf8"), file, env);
}

export function parseConfigFile(
  source: string,
  file: string,
  env: Record<string, string | undefined> = processEnvironment(),
): ConfigFileResult {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: Node | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : undefined);
  const where = (line: number | undefined) => (line ? `${file}:${line}` : file);

  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new ConfigFileError(`${where(lines.linePos(e.pos[0]).line)}: invalid YAML: ${e.message.split("\n")[0]}`);
  }
  if (doc.contents === null) {
    // An empty file (or only comments) configures nothing: the builtin store serves.
    return { backend: null, warnings: [`${file}: the file is empty; no global backend is configured`] };
  }
  const root = isMap(doc.contents) && doc.has("kestra") ? ["kestra"] : [];
  const secretPath = [...root, "secret"];
  const secretNode = doc.getIn(secretPath, true) as Node | undefined;
  const keyholdNode = isMap(doc.contents) ? (doc.get("keyhold", true) as Node | undefined) : undefined;
  // A file may hold only Keyhold's own settings (the builtin store then serves); otherwise the backend section is required.
  if (!isMap(secretNode) && !(keyholdNode && secretNode === undefined)) {
    throw new ConfigFileError(
      `${where(lineOf(secretNode ?? (doc.contents as Node)))}: ${secretPath.join(".")}: expected the secrets backend section (type, read-only, and the backend's settings)`,
    );
  }

  const envErrors: string[] = [];
  const expand = (node: Node, path: string[]) =>
    visit(node, {
      Scalar(_, scalar, ancestors) {
        if (typeof scalar.value !== "string" || !scalar.value.includes("${")) return;
        const key = [
          ...path,
          ...ancestors.filter(isPair).map((p) => String((p.key as { value?: unknown })?.value ?? p.key)),
        ].join(".");
        scalar.value = scalar.value.replace(ENV_REF, (_m, name: string, fallback?: string) => {
          const value = env[name] ?? fallback;
          if (value === undefined)
            envErrors.push(`${where(lineOf(scalar))}: ${key}: environment variable ${name} is not set`);
          return value ?? "";
        });
      },
    });
  if (isMap(secretNode)) expand(secretNode, secretPath);
  if (keyholdNode) expand(keyholdNode, ["keyhold"]);
  if (envErrors.length) throw new ConfigFileError(envErrors.join("\n"));
  const keyhold = keyholdNode ? parseKeyholdSection(keyholdNode, where, lineOf) : { egress: null, warnings: [] };
  if (!isMap(secretNode)) return { backend: null, egress: keyhold.egress, warnings: keyhold.warnings };

  const parsed = parseConfigDocument(secretNode.toJSON(), { unknownKeys: "warn" });
  // The line of the deepest key of the path that is in the file: a missing key points at its parent's key.
  const locate = (dotted: string) => {
    const keys = [...secretPath, ...pathKeys(dotted)];
    for (let n = keys.length; n >= 1; n--) {
      const parent = n === 1 ? doc.contents : doc.getIn(keys.slice(0, n - 1), true);
      const pair = isMap(parent)
        ? parent.items.find((p) => isScalar(p.key) && String(p.key.value) === keys[n - 1])
        : undefined;
      if (pair) return lineOf(pair.key as Node);
    }
    return lineOf(secretNode);
  };
  const fmt = (i: { path: string; message: string }) =>
    `${where(locate(i.path))}: ${[...secretPath, i.path].filter(Boolean).join(".")}: ${i.message}`;
  const warnings = [...parsed.warnings.map(fmt), ...keyhold.warnings];
  if (!parsed.ok) throw new ConfigFileError(parsed.errors.map(fmt).join("\n"));
  const { settings, credentials } = splitCredentials(parsed.document);
  return { backend: { file, settings, credentials }, egress: keyhold.egress, warnings };
}

/** `keyhold: { egress: { allow: [...], deny: [...] } }`; each entry is checked here, so a bad one stops start-up at its line. */
function parseKeyholdSection(
  node: Node,
  where: (line: number | undefined) => string,
  lineOf: (n: Node | null | undefined) => number | undefined,
) {
  const fail = (at: Node | null | undefined, key: string, message: string): never => {
    throw new ConfigFileError(`${where(lineOf(at))}: ${key}: ${message}`);
  };
  const warnings: string[] = [];
  if (!isMap(node)) fail(node, "keyhold", "expected a section of Keyhold's own settings (egress)");
  const section = node as unknown as { items: { key: unknown; value: unknown }[] };
  let egress: EgressLists | null = null;
  for (const pair of section.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (name !== "egress") {
      warnings.push(`${where(lineOf(pair.key as Node))}: keyhold.${name}: Unknown key '${name}'`);
      continue;
    }
    const value = pair.value as Node | null;
    if (!isMap(value)) fail(value ?? (pair.key as Node), "keyhold.egress", "expected allow and deny lists");
    egress = { allow: [], deny: [] };
    for (const list of (value as unknown as { items: { key: unknown; value: unknown }[] }).items) {
      const listName = isScalar(list.key) ? String(list.key.value) : String(list.key);
      if (listName !== "allow" && listName !== "deny") {
        warnings.push(`${where(lineOf(list.key as Node))}: keyhold.egress.${listName}: Unknown key '${listName}'`);
        continue;
      }
      const entries = list.value as Node | null;
      if (entries === null || (isScalar(entries) && entries.value === null)) continue;
      if (!isSeq(entries))
        fail(entries, `keyhold.egress.${listName}`, "expected a list of addresses, CIDRs and host names");
      (entries as unknown as { items: unknown[] }).items.forEach((item, i) => {
        const key = `keyhold.egress.${listName}[${i}]`;
        if (!isScalar(item) || (typeof item.value !== "string" && typeof item.value !== "number"))
          fail(item as Node, key, "expected an address, CIDR or host name");
        const entry = String((item as { value: unknown }).value);
        try {
          parseEgressEntry(entry, listName);
        } catch (error) {
          fail(item as Node, key, (error as Error).message);
        }
        egress![listName].push(entry);
      });
    }
  }
  return { egress, warnings };
}
