import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEgressPolicy } from "../../lib/net/egress";
import { MAX_TOKEN_FILE_BYTES, readTokenFile } from "../../lib/net/token-files";

// Reading token files on a real file system: what a dedicated manager may read, and what it is told otherwise.

let root = "";
const saved = process.env.KEYHOLD_TOKEN_FILE_DIRS;
const dedicated = { egress: createEgressPolicy(), attachment: { tenant: "acme" } };
const trusted = { attachment: { tenant: null } };
const at = (...p: string[]) => path.join(root, ...p);

async function failure(p: Promise<unknown>) {
  const e = await p.then(
    () => null,
    (error: unknown) => error as { name: string; code: string; message: string },
  );
  expect(e?.name).toBe("BackendError");
  return e!;
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "kh-token-read-"));
  for (const d of ["acme", "globex", "acme/dir"]) mkdirSync(at(d));
  writeFileSync(at("acme", "token"), "  header.payload.signature\n");
  writeFileSync(at("acme", "empty"), "\n");
  writeFileSync(at("acme", "huge"), "x".repeat(MAX_TOKEN_FILE_BYTES + 1));
  writeFileSync(at("globex", "token"), "globex-token");
  symlinkSync(at("globex", "token"), at("acme", "to-globex"));
  symlinkSync(at("acme", "token"), at("acme", "inner-link"));
});
afterEach(() => {
  process.env.KEYHOLD_TOKEN_FILE_DIRS = `${root}/{tenant}`;
});
afterAll(() => {
  if (saved === undefined) delete process.env.KEYHOLD_TOKEN_FILE_DIRS;
  else process.env.KEYHOLD_TOKEN_FILE_DIRS = saved;
  rmSync(root, { recursive: true, force: true });
});

describe("readTokenFile", () => {
  it("reads a token inside the tenant's directory, trimmed, also through a link that stays inside", async () => {
    process.env.KEYHOLD_TOKEN_FILE_DIRS = `${root}/{tenant}`;
    expect(await readTokenFile(at("acme", "token"), dedicated)).toBe("header.payload.signature");
    expect(await readTokenFile(at("acme", "inner-link"), dedicated)).toBe("header.payload.signature");
  });

  it("refuses, as forbidden and without the path, another tenant's file and a link leading to it", async () => {
    process.env.KEYHOLD_TOKEN_FILE_DIRS = `${root}/{tenant}`;
    for (const file of [at("globex", "token"), at("acme", "to-globex")]) {
      const e = await failure(readTokenFile(file, dedicated));
      expect(e.code, file).toBe("forbidden");
      expect(e.message).not.toContain(root);
    }
  });

  it("says what is wrong with an empty, oversized, missing file or a directory, without the path", async () => {
    process.env.KEYHOLD_TOKEN_FILE_DIRS = `${root}/{tenant}`;
    expect((await failure(readTokenFile(at("acme", "empty"), dedicated))).message).toBe("The token file is empty.");
    expect((await failure(readTokenFile(at("acme", "huge"), dedicated))).message).toMatch(/larger than 64 KiB/);
    expect((await failure(readTokenFile(at("acme", "dir"), dedicated))).message).toBe(
      "The token file is not a regular file.",
    );
    const missing = await failure(readTokenFile(at("acme", "missing"), dedicated));
    expect(missing).toMatchObject({ code: "invalid-config" });
    expect(missing.message).not.toContain(root);
  });

  it("the configuration file's backend (trusted) reads any absolute path, but only a plain one", async () => {
    delete process.env.KEYHOLD_TOKEN_FILE_DIRS;
    expect(await readTokenFile(at("globex", "token"), trusted)).toBe("globex-token");
    expect((await failure(readTokenFile("relative/token", trusted))).code).toBe("invalid-config");
    // A dedicated manager reads nothing when the instance lists no directory.
    expect((await failure(readTokenFile(at("acme", "token"), dedicated))).code).toBe("forbidden");
  });
});
