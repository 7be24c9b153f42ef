import "server-only";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { isMap, isPair, isScalar, LineCounter, parseDocument, visit, type Node } from "yaml";
import { parseConfigDocument, splitCredentials, type ConfigDocument, type Credentials } from "../backends/document";

export const DEFAULT_CONFIG_FILE = "keyhold.yaml";

export interface GlobalBackend {
  file: string;
  settings: ConfigDocument;
  credentials: Credentials;
}

export interface ConfigFileResult {
  backend: GlobalBackend | null;
  warnings: string[];
}

export class ConfigFileError extends Error {}

/** KEYHOLD_CONFIG_FILE names the file; without it, ./keyhold.yaml is read when it exists. */
export function configFilePath(env: Record<string, string | undefined> = process.env): { file: string; explicit: boolean } {
  const explicit = env.KEYHOLD_CONFIG_FILE?.trim();
  return { file: path.resolve(/*turbopackIgnore: true*/ explicit || DEFAULT_CONFIG_FILE), explicit: !!explicit };
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Parses and validates the configuration file; throws ConfigFileError naming file, line and key. */
export function loadConfigFile(env: Record<string, string | undefined> = process.env): ConfigFileResult {
  const { file, explicit } = configFilePath(env);
  if (!existsSync(/*turbopackIgnore: true*/ file)) {
    if (explicit) throw new ConfigFileError(`${file}: configuration file not found (KEYHOLD_CONFIG_FILE)`);
    return { backend: null, warnings: [] };
  }
  return parseConfigFile(readFileSync(/*turbopackIgnore: true*/ file, "utf8"), file, env);
}

export function parseConfigFile(source: string, file: string, env: Record<string, string | undefined> = process.env): ConfigFileResult {
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
  if (!isMap(secretNode)) {
    throw new ConfigFileError(`${where(lineOf(secretNode ?? (doc.contents as Node)))}: ${secretPath.join(".")}: expected the secrets backend section (type, read-only, and the backend's settings)`);
  }

  const envErrors: string[] = [];
  visit(secretNode, {
    Scalar(_, node, ancestors) {
      if (typeof node.value !== "string" || !node.value.includes("${")) return;
      const key = [...secretPath, ...ancestors.filter(isPair).map((p) => String((p.key as { value?: unknown })?.value ?? p.key))].join(".");
      node.value = node.value.replace(ENV_REF, (_m, name: string, fallback?: string) => {
        const value = env[name] ?? fallback;
        if (value === undefined) envErrors.push(`${where(lineOf(node))}: ${key}: environment variable ${name} is not set`);
        return value ?? "";
      });
    },
  });
  if (envErrors.length) throw new ConfigFileError(envErrors.join("\n"));

  const parsed = parseConfigDocument(secretNode.toJSON(), { unknownKeys: "warn" });
  // The line of the deepest key of the path that is in the file: a missing key points at its parent's key.
  const locate = (dotted: string) => {
    const keys = [...secretPath, ...(dotted ? dotted.split(".") : [])];
    for (let n = keys.length; n >= 1; n--) {
      const parent = n === 1 ? doc.contents : doc.getIn(keys.slice(0, n - 1), true);
      const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && String(p.key.value) === keys[n - 1]) : undefined;
      if (pair) return lineOf(pair.key as Node);
    }
    return lineOf(secretNode);
  };
  const fmt = (i: { path: string; message: string }) =>
    `${where(locate(i.path))}: ${[...secretPath, i.path].filter(Boolean).join(".")}: ${i.message}`;
  const warnings = parsed.warnings.map(fmt);
  if (!parsed.ok) throw new ConfigFileError(parsed.errors.map(fmt).join("\n"));
  const { settings, credentials } = splitCredentials(parsed.document);
  return { backend: { file, settings, credentials }, warnings };
}
