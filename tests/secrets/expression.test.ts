import { describe, expect, it } from "vitest";
import { parseSecretExpression, secretExpression } from "../../lib/secrets/expression";

describe("secret() expressions", () => {
  it.each([
    ["{{ secret('KEY') }}", { key: "KEY" }],
    ['{{secret("KEY")}}', { key: "KEY" }],
    ["{{ secret('api', subkey='API_TOKEN') }}", { key: "api", subkey: "API_TOKEN" }],
    ["{{ secret('KEY', namespace='company.team') }}", { key: "KEY", namespace: "company.team" }],
    ["  {{ secret( 'a/b' , namespace = 'x' , subkey = 'y' ) }} ", { key: "a/b", namespace: "x", subkey: "y" }],
    ["{{ secret('it\\'s') }}", { key: "it's" }],
  ])("parses %s", (input, expected) => {
    expect(parseSecretExpression(input)).toEqual({ ok: true, expression: expected });
  });

  it.each([
    ["secret('KEY')", "Write the expression as"],
    ["{{ secret() }}", "exactly one key"],
    ["{{ secret('a', 'b') }}", "exactly one key"],
    ["{{ secret(KEY) }}", "expected quoted strings"],
    ["{{ secret('a', color='x') }}", "no argument 'color'"],
    ["{{ secret('a', subkey='x', subkey='y') }}", "given twice"],
    ["{{ secret(subkey='x', 'a') }}", "key must come first"],
    ["{{ secret('') }}", "key is empty"],
    ["{{ secret('A\u0000B') }}", "The key: Remove the control character U+0000 at position 2"],
    ["{{ secret('A\nB') }}", "The key: Remove the control character U+000A"],
    ["{{ secret('A', subkey='\u0007') }}", "The subkey: Remove the control character U+0007"],
    ["{{ secret('A', constructor='x') }}", "no argument 'constructor'"],
  ])("refuses %s", (input, message) => {
    const result = parseSecretExpression(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });

  it("builds the copy-button text and parses it back", () => {
    expect(secretExpression("API_KEY")).toBe("{{ secret('API_KEY') }}");
    expect(secretExpression("api", "API_TOKEN")).toBe("{{ secret('api', subkey='API_TOKEN') }}");
    expect(parseSecretExpression(secretExpression("it's", "x'y"))).toEqual({
      ok: true,
      expression: { key: "it's", subkey: "x'y" },
    });
  });
});
