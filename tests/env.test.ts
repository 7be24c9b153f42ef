import { afterEach, describe, expect, it } from "vitest";
import { ENV_VARIABLES, EnvError, readEnv, serverEnv } from "@/lib/env";
import { readFileSync } from "node:fs";

const problems = (source: Record<string, string>) => {
  try {
    readEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as EnvError).problems;
  }
  throw new Error("expected an EnvError");
};

describe("readEnv", () => {
  it("gives the documented defaults for an empty environment", () => {
    expect(readEnv({})).toMatchObject({
      DATABASE_URL: undefined,
      PORT: 3000,
      KEYHOLD_DATA_DIR: "data",
      KEYHOLD_MIGRATIONS_DIR: "prisma/migrations",
      KEYHOLD_DB_POOL_MAX: 10,
      KEYHOLD_LIST_CACHE_MS: 60_000,
      KEYHOLD_MAX_LIST_PAGES: 2_000,
      KEYHOLD_TRUST_PROXY: false,
      KEYHOLD_ALLOW_SERVER_IDENTITY: false,
      KEYHOLD_AUTH_SECRET: undefined,
    });
  });

  it("treats a blank variable as unset", () => {
    expect(
      readEnv({ KEYHOLD_LIST_CACHE_MS: " ", DATABASE_URL: "", KEYHOLD_AUTH_SECRET: "", KEYHOLD_DATA_DIR: "  " }),
    ).toMatchObject({
      KEYHOLD_LIST_CACHE_MS: 60_000,
      DATABASE_URL: undefined,
      KEYHOLD_AUTH_SECRET: undefined,
      KEYHOLD_DATA_DIR: "data",
    });
  });

  it("parses numbers, flags and trimmed text", () => {
    const env = readEnv({
      KEYHOLD_LIST_CACHE_MS: " 0 ",
      KEYHOLD_MAX_LIST_PAGES: "3",
      KEYHOLD_DB_POOL_MAX: "25",
      PORT: "8080",
      KEYHOLD_ALLOW_SERVER_IDENTITY: "Yes",
      KEYHOLD_TRUST_PROXY: "1",
      DATABASE_URL: " postgresql://k@db/k ",
    });
    expect(env).toMatchObject({
      KEYHOLD_LIST_CACHE_MS: 0,
      KEYHOLD_MAX_LIST_PAGES: 3,
      KEYHOLD_DB_POOL_MAX: 25,
      PORT: 8080,
      KEYHOLD_ALLOW_SERVER_IDENTITY: true,
      KEYHOLD_TRUST_PROXY: true,
      DATABASE_URL: "postgresql://k@db/k",
    });
    expect(readEnv({ KEYHOLD_ALLOW_SERVER_IDENTITY: "false", KEYHOLD_TRUST_PROXY: "0" })).toMatchObject({
      KEYHOLD_ALLOW_SERVER_IDENTITY: false,
      KEYHOLD_TRUST_PROXY: false,
    });
  });

  it("names the variable of a bad number instead of yielding NaN", () => {
    expect(problems({ KEYHOLD_LIST_CACHE_MS: "15s" })).toEqual([
      "KEYHOLD_LIST_CACHE_MS must be a whole number of milliseconds",
    ]);
    expect(problems({ KEYHOLD_MAX_LIST_PAGES: "0" })).toEqual([
      "KEYHOLD_MAX_LIST_PAGES must be a whole number of pages of at least 1",
    ]);
    expect(problems({ KEYHOLD_DB_POOL_MAX: "-1" })).toEqual([
      "KEYHOLD_DB_POOL_MAX must be a whole number of connections",
    ]);
    expect(problems({ PORT: "3000.5" })).toEqual(["PORT must be a whole number"]);
  });

  it("refuses a flag it cannot read rather than guessing", () => {
    expect(problems({ KEYHOLD_ALLOW_SERVER_IDENTITY: "maybe" })).toEqual([
      "KEYHOLD_ALLOW_SERVER_IDENTITY must be true or false (1/0, yes/no)",
    ]);
    // Only "1" ever turned it on: "true" is refused, not silently ignored.
    expect(problems({ KEYHOLD_TRUST_PROXY: "true" })).toEqual([
      "KEYHOLD_TRUST_PROXY must be 1 (trust X-Forwarded-For) or 0",
    ]);
  });

  it("refuses a malformed URL, naming the variable", () => {
    expect(problems({ DATABASE_URL: "mysql://db/k" })).toEqual([
      "DATABASE_URL must start with postgres:// or postgresql://",
    ]);
    expect(problems({ KEYHOLD_PUBLIC_URL: "console.example.com" })).toEqual([
      "KEYHOLD_PUBLIC_URL must be an http:// or https:// URL",
    ]);
  });

  it("lists every bad variable at once and never echoes a value", () => {
    const error = (() => {
      try {
        readEnv({ KEYHOLD_LIST_CACHE_MS: "x", DATABASE_URL: "mysql://user:hunter2@db" });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toContain("KEYHOLD_LIST_CACHE_MS");
    expect(error?.message).toContain("DATABASE_URL");
    expect(error?.message).not.toContain("hunter2");
  });

  it("ignores variables it does not own and inherited properties", () => {
    const source = Object.create({ KEYHOLD_LIST_CACHE_MS: "bad" }) as Record<string, string>;
    source.KEYHOLD_TEST_PG_URL = "postgres://test";
    expect(readEnv(source).KEYHOLD_LIST_CACHE_MS).toBe(60_000);
    expect(readEnv(source)).not.toHaveProperty("KEYHOLD_TEST_PG_URL");
  });
});

describe("serverEnv", () => {
  const saved = process.env.KEYHOLD_ALLOW_SERVER_IDENTITY;
  afterEach(() => {
    if (saved === undefined) delete process.env.KEYHOLD_ALLOW_SERVER_IDENTITY;
    else process.env.KEYHOLD_ALLOW_SERVER_IDENTITY = saved;
  });

  it("follows a variable changed between calls", () => {
    process.env.KEYHOLD_ALLOW_SERVER_IDENTITY = "true";
    expect(serverEnv().KEYHOLD_ALLOW_SERVER_IDENTITY).toBe(true);
    delete process.env.KEYHOLD_ALLOW_SERVER_IDENTITY;
    expect(serverEnv().KEYHOLD_ALLOW_SERVER_IDENTITY).toBe(false);
  });

  it("throws on a bad value in the process environment", () => {
    process.env.KEYHOLD_ALLOW_SERVER_IDENTITY = "sometimes";
    expect(() => serverEnv()).toThrow("KEYHOLD_ALLOW_SERVER_IDENTITY must be true or false");
  });
});

describe("docs/operations.md", () => {
  it("lists every variable lib/env.ts knows", () => {
    const doc = readFileSync("docs/operations.md", "utf8");
    for (const name of ENV_VARIABLES) expect(doc, name).toContain(`| \`${name}\``);
  });
});
