import { z } from "zod";
import { isSafeKey, plainTextProblem } from "./plain-text";

// Free-form JSON from a form (a configuration document) is walked once, without recursion, before any schema,
// clone or diff touches it: those recurse, and 2,000 levels of nesting overflow the stack.

export interface JsonLimits {
  /** Levels of objects and arrays below the root. */
  maxDepth: number;
  /** Objects, arrays and values, all together. */
  maxNodes: number;
  /** Characters of all keys and strings together. */
  maxChars: number;
}

/** Configuration documents are four levels deep at most (`vault.app-role.path`) and a few certificates long. */
export const DOCUMENT_LIMITS: JsonLimits = { maxDepth: 12, maxNodes: 2000, maxChars: 512 * 1024 };

const isPlainObject = (v: object) => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

const where = (path: string[]) => (path.length ? ` (at ${path.join(".").slice(0, 120)})` : "");

/** Why `value` is not bounded JSON data, or null when it is. */
export function boundedJsonProblem(value: unknown, limits: JsonLimits): string | null {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  let nodes = 0;
  let chars = 0;
  while (stack.length) {
    const { value: v, path } = stack.pop()!;
    if (++nodes > limits.maxNodes) return `Too large: more than ${limits.maxNodes} values`;
    if (v === null || v === undefined || typeof v === "boolean") continue;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) return `Numbers must be finite${where(path)}`;
      continue;
    }
    if (typeof v === "string") {
      chars += v.length;
      if (chars > limits.maxChars) return `Too large: more than ${limits.maxChars} characters of text`;
      continue;
    }
    if (typeof v !== "object" || !(Array.isArray(v) || isPlainObject(v)))
      return `Must be JSON data: text, numbers, true/false, lists and objects${where(path)}`;
    if (path.length > limits.maxDepth) return `Nested more than ${limits.maxDepth} levels deep`;
    if (Array.isArray(v)) {
      if (nodes + v.length > limits.maxNodes) return `Too large: more than ${limits.maxNodes} values`;
      v.forEach((item, i) => stack.push({ value: item, path: [...path, String(i)] }));
      continue;
    }
    const keys = Object.keys(v);
    if (nodes + keys.length > limits.maxNodes) return `Too large: more than ${limits.maxNodes} values`;
    for (const key of keys) {
      chars += key.length;
      if (chars > limits.maxChars) return `Too large: more than ${limits.maxChars} characters of text`;
      const problem = plainTextProblem(key);
      if (problem) return `A key${where(path)}: ${problem}`;
      if (!isSafeKey(key)) return `The key '${key}' is not allowed${where(path)}`;
      stack.push({ value: (v as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return null;
}

/** Any JSON data within `limits`, kept as it is (the real schema runs afterwards, on a value that is safe to walk). */
export const boundedJson = (limits: JsonLimits = DOCUMENT_LIMITS) =>
  z.unknown().superRefine((value, ctx) => {
    const problem = boundedJsonProblem(value, limits);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
