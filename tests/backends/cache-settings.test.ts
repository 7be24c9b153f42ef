import { describe, expect, it } from "vitest";
import { indexPolicyOf, parseDuration } from "../../lib/backends/cache-settings";
import { parseConfigFile } from "../../lib/config/config-file";

describe("Kestra's cache keys", () => {
  it("reads 60s, 5m, 1h, 500ms, 2d and ISO-8601 durations; refuses the rest", () => {
    expect(parseDuration("60s")).toBe(60_000);
    expect(parseDuration("5m")).toBe(300_000);
    expect(parseDuration("1h")).toBe(3_600_000);
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("2d")).toBe(172_800_000);
    expect(parseDuration("PT1M")).toBe(60_000);
    expect(parseDuration("PT1H30M")).toBe(5_400_000);
    expect(parseDuration("PT0.5S")).toBe(500);
    expect(parseDuration("P1D")).toBe(86_400_000);
    for (const bad of ["", "60", "1 week", "P", "PT", "-5s", "5 minutes", "PT1X"])
      expect(parseDuration(bad)).toBeNull();
  });

  it("turns them into an index policy: the default TTL, the configured one, or none when the cache is off", () => {
    expect(indexPolicyOf(undefined, 60_000)).toEqual({ ttlMs: 60_000, maxEntries: null });
    expect(indexPolicyOf({ enabled: true, "expire-after-write": "5m" }, 60_000)).toEqual({
      ttlMs: 300_000,
      maxEntries: null,
    });
    expect(indexPolicyOf({ enabled: false, "maximum-size": 10 }, 60_000)).toEqual({ ttlMs: 0, maxEntries: 10 });
  });

  it("loads from the configuration file beside type and read-only, with a line for a bad value or an unknown key", () => {
    const yaml = (cache: string) =>
      `kestra:\n  secret:\n    type: vault\n    read-only: true\n    cache:\n${cache}    vault:\n      address: http://127.0.0.1:8200\n      token:\n        token: t\n`;
    const ok = parseConfigFile(
      yaml(`      enabled: true\n      maximum-size: 5000\n      expire-after-write: PT1M\n`),
      "k.yaml",
      {},
    );
    expect(ok.backend?.settings.cache).toEqual({ enabled: true, "maximum-size": 5000, "expire-after-write": "PT1M" });
    expect(ok.warnings).toEqual([]);
    const unknown = parseConfigFile(
      yaml(`      expire-after-write: 5m\n      refresh-after-write: 1m\n`),
      "k.yaml",
      {},
    );
    expect(unknown.warnings.join("\n")).toMatch(/cache\.refresh-after-write.*Unknown key/);
    expect(() => parseConfigFile(yaml(`      expire-after-write: soon\n`), "k.yaml", {})).toThrow(/expire-after-write/);
  });
});
