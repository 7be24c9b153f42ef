// Test kit: fast-check arbitraries for hostile input. Every field arbitrary mixes values the app accepts (so calls get
// past the schema into the handlers) with text full of control characters and astral Unicode, prototype keys, wrong
// types, huge and deeply nested values.
import { fc } from "@fast-check/vitest";
import { SEED } from "./guarded-app";

/** `{ a: { a: … } }`, `depth` objects deep. */
export function nestedObject(depth: number, leaf: unknown = "x"): Record<string, unknown> {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value as Record<string, unknown>;
}

/** Sets keys as own properties, as JSON.parse and React's reply decoder do (`o.__proto__ = v` would set the prototype). */
function withOwn(target: object, entries: [string, unknown][]): object {
  for (const [k, v] of entries)
    Object.defineProperty(target, k, { value: v, enumerable: true, writable: true, configurable: true });
  return target;
}

export const PROTOTYPE_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "__defineGetter__",
] as const;

const SPECIAL_TEXT = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\u0007\u001b[31m",
  "line\nbreak",
  "\r\n",
  "\t",
  "\u0085",
  "\u2028",
  "\u202eevil",
  "\ufeff",
  "\ud800",
  "\udfff",
  "😀",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
  "%",
  "%25",
  "%2525",
  "%E0%A4%A",
  "%00",
  "%ZZ",
  "..",
  "../..",
  "a..b",
  ".",
  "'",
  '"',
  "\\",
  "{{ }}",
  "${VAR}",
  "<script>",
  "null",
  "undefined",
  "NaN",
  "-1",
  "0",
  "1e309",
  "2026-13-45",
  "2026-02-30",
  "0000-00-00",
  "9999-12-31",
  ...PROTOTYPE_KEYS,
];

/** One character that makes trouble somewhere: controls, separators, surrogates, astral, escapes, quotes. */
const troubleChar = fc.constantFrom(
  "\u0000",
  "\u0001",
  "\u0008",
  "\t",
  "\n",
  "\r",
  "\u001f",
  "\u007f",
  "\u0085",
  "\u00a0",
  "\u2028",
  "\u202e",
  "\ud800",
  "\udc00",
  "😀",
  "𝔘",
  "%",
  "'",
  '"',
  "\\",
  ".",
  "/",
  "_",
  "-",
  "a",
  "Z",
  "0",
);

const HUGE_TEXT = "é".repeat(300_000);

// NUL most often: PostgreSQL refuses it in text and JSON, so it is the one that reaches furthest before failing.
const controlChar = fc.constantFrom(
  "\u0000",
  "\u0000",
  "\u0000",
  "\u0000",
  "\u0000",
  "\u0000",
  "\u0000",
  "\u0000",
  "\u0001",
  "\u0008",
  "\t",
  "\n",
  "\r",
  "\u001b",
  "\u007f",
  "\u0085",
  "\u2028",
  "\ud800",
  "\udfff",
);

/** Text an attacker would type. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  // A word with one bad character in it: looks right to every check that does not look at each character.
  {
    weight: 8,
    arbitrary: fc
      .tuple(
        fc.string({ unit: "grapheme-ascii", maxLength: 8 }),
        controlChar,
        fc.string({ unit: "grapheme-ascii", maxLength: 8 }),
      )
      .map(([a, c, b]) => a + c + b),
  },
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: troubleChar, maxLength: 20 }) },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_TEXT) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 200, maxLength: 2000 }) },
  { weight: 1, arbitrary: fc.constant(HUGE_TEXT) },
);

const HUGE_ARRAY = Array.from({ length: 50_000 }, () => "a");
const WIDE_OBJECT = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]));

/** Values of the wrong type, huge or nested ones, and objects whose own keys are prototype names. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -0, Number.MAX_SAFE_INTEGER + 2),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.date({ noInvalidDate: false }),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.constant(HUGE_ARRAY),
  fc.constant(WIDE_OBJECT),
  fc.integer({ min: 20, max: 3000 }).map((depth) => nestedObject(depth)),
  fc.constantFrom(...PROTOTYPE_KEYS).map((k) => withOwn({}, [[k, { polluted: true }]])),
  fc.constant(new Map([["a", 1]])),
  fc.constant(new Set(["a"])),
  fc.constant(Object.create(null)),
);

/** A field: mostly values `valid` draws from, then hostile text, then wrong types. */
export function field<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<T | string | unknown> {
  return fc.oneof(
    { weight: 5, arbitrary: valid },
    { weight: 3, arbitrary: hostileText },
    { weight: 1, arbitrary: wrongType },
  );
}

/** A text field: valid values or hostile text, never another type. */
export function textField(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof({ weight: 5, arbitrary: valid }, { weight: 3, arbitrary: hostileText });
}

/**
 * An input object for a call: every field valid, one field hostile, every field hostile, fields missing or extra own
 * keys (prototype names, hostile text), and now and then not an object at all. `valid` holds the values a form would
 * send (so calls get past the schema into the handler); `hostile` defaults to hostile text or a wrong type.
 */
export function inputOf(
  valid: Record<string, fc.Arbitrary<unknown>>,
  hostile: Record<string, fc.Arbitrary<unknown>> = {},
): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  const bad = Object.fromEntries(
    keys.map((k) => [
      k,
      hostile[k] ?? fc.oneof({ weight: 3, arbitrary: hostileText }, { weight: 1, arbitrary: wrongType }),
    ]),
  );
  const allValid = fc.record(valid);
  const oneBad = fc
    .tuple(
      allValid,
      fc.constantFrom(...keys).chain((k) => bad[k].map((v) => [k, v] as [string, unknown])),
    )
    .map(([r, extra]) => withOwn({ ...r }, [extra]));
  const allBad = fc.record(bad);
  const reshaped = fc
    .tuple(
      fc.oneof(allValid, allBad),
      fc.subarray(keys, { minLength: 1 }),
      fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), hostileText), fc.anything()), { maxLength: 2 }),
    )
    .map(([record, dropped, extras]) => {
      const out: Record<string, unknown> = { ...record };
      for (const k of dropped) delete out[k];
      return withOwn(out, extras);
    });
  return fc.oneof(
    { weight: 3, arbitrary: allValid },
    { weight: 10, arbitrary: oneBad },
    { weight: 1, arbitrary: allBad },
    { weight: 2, arbitrary: reshaped },
    { weight: 1, arbitrary: wrongType },
    {
      weight: 1,
      arbitrary: fc.anything({
        withBigInt: true,
        withDate: true,
        withMap: true,
        withSet: true,
        withNullPrototype: true,
        withTypedArray: true,
        withSparseArray: true,
        maxDepth: 4,
        key: fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS, ...keys), fc.string()),
      }),
    },
  );
}

// Values from the seeded database (tests/support/guarded-app.ts), so calls reach rows that exist.
/** Mostly what exists (so calls reach real rows), sometimes what does not. */
const weighted = <T>(...choices: [T, number][]) =>
  fc.oneof(...choices.map(([value, weight]) => ({ weight, arbitrary: fc.constant(value) })));
export const tenants = weighted(["acme", 6], ["globex", 1], ["nobody", 1]);
export const namespaces = weighted(
  ["company", 3],
  ["company.team", 3],
  ["company.team.etl", 1],
  ["company.other", 1],
  ["elsewhere", 1],
);
/** Page cursors of the Secrets lists (`a.` after a row, `b.` before one): well-formed, for another order, and broken. */
const cursorOf = (s: string, d: string, v: string[]) =>
  Buffer.from(JSON.stringify({ s, d, v }), "utf8").toString("base64url");
export const listCursors = fc.constantFrom(
  "",
  `a.${cursorOf("key", "asc", ["api\u0001API_KEY", "config:x:v1", "API_KEY"])}`,
  `b.${cursorOf("key", "desc", ["db\u0001DB", "builtin:t", "company/DB"])}`,
  `a.${cursorOf("updated", "asc", ["not a time", "x", "y", "z"])}`,
  "a.bm90LWpzb24",
  "c.abc",
  "a.",
  "b.!!",
);
export const secretKeys = weighted(["API_KEY", 3], ["DB", 3], ["NEW_KEY", 2], ["a/b", 1], ["x.y-z", 1]);
export const emails = fc.constantFrom(...Object.values(SEED.emails), "new@acme.test", "NEW@Acme.Test");
export const passwords = fc.constantFrom("fuzz-password-1234", "a-long-password-1");
export const hostilePasswords = fc.oneof(
  fc.constantFrom("short", "x".repeat(129), "\u0000".repeat(12)),
  field(passwords),
);
export const bindingIds = fc.oneof(fc.constantFrom(...Object.values(SEED.bindings)), fc.uuid());
export const userIds = fc.oneof(
  fc.constantFrom(...Object.values(SEED.users)),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
);
export const plainWords = fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 });
export const tagRows = fc.uniqueArray(
  fc.record({ key: fc.constantFrom("team", "env", "a b", "cost-center"), value: plainWords }),
  { maxLength: 3, selector: (r) => r.key },
);
export const hostileTagRows = fc.array(
  fc.record({ key: field(fc.constantFrom("team", "env")), value: field(plainWords) }),
  { maxLength: 4 },
);

const expressionOf = (key: fc.Arbitrary<string>, subkey: fc.Arbitrary<string>, namespace: fc.Arbitrary<string>) =>
  fc
    .tuple(key, fc.option(subkey, { nil: undefined, freq: 3 }), fc.option(namespace, { nil: undefined, freq: 2 }))
    .map(
      ([k, sub, ns]) =>
        `{{ secret('${k}'${ns === undefined ? "" : `, namespace='${ns}'`}${sub === undefined ? "" : `, subkey='${sub}'`}) }}`,
    );
const subkeys = fc.constantFrom("user", "password", ...PROTOTYPE_KEYS);

/** Expressions a user would check, prototype names among the subkeys. */
export const expressions = expressionOf(secretKeys, subkeys, namespaces);
export const hostileExpressions = fc.oneof(
  expressionOf(textField(secretKeys), textField(subkeys), textField(namespaces)),
  hostileText,
);

/** Vault and AWS documents aimed at loopback ports nothing listens on (never another host). */
const loopback = fc.constantFrom("http://127.0.0.1:9", "https://127.0.0.1:9/", "http://[::1]:9");
const tagMaps = fc.dictionary(fc.constantFrom("team", "env", "cost-center"), plainWords, { maxKeys: 3 });
const hostileTagMaps = fc.dictionary(
  fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), hostileText, plainWords),
  field(plainWords),
  { maxKeys: 4 },
);

function documentOf(
  type: string,
  section: Record<string, fc.Arbitrary<unknown>>,
  required: string[],
  hostile: boolean,
) {
  const fields = hostile ? Object.fromEntries(Object.entries(section).map(([k, v]) => [k, field(v)])) : section;
  return fc.record({
    type: fc.constant(type),
    "read-only": fc.boolean(),
    [type]: fc.record(fields, { requiredKeys: required }),
  });
}
const vault = (hostile: boolean) =>
  documentOf(
    "vault",
    {
      address: loopback,
      token: fc.record({ token: plainWords }),
      "root-engine": fc.constantFrom("secret", "kv/v2"),
      namespace: fc.constantFrom("team", ""),
      "engine-version": fc.constantFrom(1, 2, "2"),
      "ca-certificate": fc.constant("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"),
    },
    ["address", "token"],
    hostile,
  );
const aws = (hostile: boolean) =>
  documentOf(
    "aws-secret-manager",
    {
      region: fc.constantFrom("us-east-1", "eu-west-3"),
      "endpoint-override": loopback,
      "access-key-id": fc.constant("AKIAFUZZ"),
      "secret-key-id": plainWords,
      prefix: fc.constantFrom("kestra", "team.a"),
      tags: hostile ? hostileTagMaps : tagMaps,
      "filter-on-tags": fc.record({ tags: hostile ? hostileTagMaps : tagMaps }),
      "excluded-tags": hostile ? hostileTagMaps : tagMaps,
    },
    ["region", "endpoint-override", "access-key-id", "secret-key-id"],
    hostile,
  );

/** Documents a settings form would post. */
export const validDocuments = fc.oneof(vault(false), aws(false));

/** Documents with hostile fields, JSON of any shape, 2,000 levels deep, prototype keys, wrong types. */
export const hostileDocuments = fc.oneof(
  { weight: 4, arbitrary: vault(true) },
  { weight: 3, arbitrary: aws(true) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 5 }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 10, max: 2500 }).map((depth) => ({ type: "vault", vault: nestedObject(depth) })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(...PROTOTYPE_KEYS)
      .map((k) => ({ type: "vault", vault: withOwn({ address: "http://127.0.0.1:9" }, [[k, { token: "x" }]]) })),
  },
  { weight: 1, arbitrary: wrongType },
);

export const validKeepCredentials = fc.subarray(["vault.token.token", "aws-secret-manager.secret-key-id"]);
export const hostileKeepCredentials = fc.oneof(
  fc.array(field(fc.constantFrom("vault.token.token", "vault.password.password")), { maxLength: 3 }),
  wrongType,
);
