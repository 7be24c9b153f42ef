import { plainTextProblem } from "../input/plain-text";

/** A parsed `{{ secret('KEY', namespace='…', subkey='…') }}` expression. */
export interface SecretExpression {
  key: string;
  namespace?: string;
  subkey?: string;
}

export type ExpressionParse = { ok: true; expression: SecretExpression } | { ok: false; error: string };

const STRING = String.raw`'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"`;
const OUTER = /^\s*\{\{\s*secret\s*\(([\s\S]*)\)\s*\}\}\s*$/;

function unquote(single?: string, double?: string): string {
  return (single ?? double ?? "").replace(/\\(.)/g, "$1");
}

/** Parses one secret() expression; anything else is an error sentence for the user. */
export function parseSecretExpression(input: string): ExpressionParse {
  if (input.length > 1000) return { ok: false, error: "The expression is too long." };
  const outer = OUTER.exec(input);
  if (!outer)
    return {
      ok: false,
      error: "Write the expression as {{ secret('KEY') }}, optionally with namespace='…' and subkey='…'.",
    };
  const args = outer[1];
  const tokens = new RegExp(String.raw`\s*(?:(\w+)\s*=\s*)?(?:${STRING})\s*(,|$)`, "y");
  const positional: string[] = [];
  const named: Record<string, string> = {};
  let index = 0;
  while (index < args.length) {
    tokens.lastIndex = index;
    const m = tokens.exec(args);
    if (!m || m[0].length === 0)
      return {
        ok: false,
        error: `Cannot read the arguments of secret(): expected quoted strings near '${args.slice(index, index + 20).trim()}'.`,
      };
    const value = unquote(m[2], m[3]);
    if (m[1]) {
      if (!["namespace", "subkey"].includes(m[1]))
        return { ok: false, error: `secret() has no argument '${m[1]}'; use namespace= or subkey=.` };
      if (m[1] in named) return { ok: false, error: `The argument '${m[1]}' is given twice.` };
      named[m[1]] = value;
    } else {
      if (Object.keys(named).length)
        return { ok: false, error: "The key must come first, before namespace= and subkey=." };
      positional.push(value);
    }
    index = tokens.lastIndex;
    if (m[4] === "") break;
  }
  if (positional.length !== 1) return { ok: false, error: "secret() takes exactly one key, e.g. secret('API_KEY')." };
  if (!positional[0]) return { ok: false, error: "The secret key is empty." };
  for (const [what, value] of [
    ["key", positional[0]],
    ["namespace", named.namespace],
    ["subkey", named.subkey],
  ] as const) {
    const problem = value === undefined ? null : plainTextProblem(value);
    if (problem) return { ok: false, error: `The ${what}: ${problem}.` };
  }
  return {
    ok: true,
    expression: {
      key: positional[0],
      ...(named.namespace ? { namespace: named.namespace } : {}),
      ...(named.subkey ? { subkey: named.subkey } : {}),
    },
  };
}

/** The expression a row's copy button puts on the clipboard. */
export function secretExpression(key: string, subkey?: string): string {
  const q = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  return subkey ? `{{ secret(${q(key)}, subkey=${q(subkey)}) }}` : `{{ secret(${q(key)}) }}`;
}
