import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { open, seal } from "../../lib/crypto/envelope";
import { loadKeyring } from "../../lib/crypto/keyring";

let dataDir: string;
beforeEach(() => {
  dataDir = path.join(mkdtempSync(path.join(tmpdir(), "keyhold-keyring-")), "data");
});
afterEach(() => rmSync(path.dirname(dataDir), { recursive: true, force: true }));

const keyFile = () => path.join(dataDir, "encryption.key");
const modeOf = (file: string) => statSync(file).mode & 0o777;

describe("key file in the data folder", () => {
  it("is generated on first load with mode 0600, holding a 32-byte base64 key", () => {
    expect(existsSync(dataDir)).toBe(false);
    const ring = loadKeyring(dataDir, {});
    expect(modeOf(keyFile())).toBe(0o600);
    const stored = Buffer.from(readFileSync(keyFile(), "utf8").trim(), "base64");
    expect(stored.length).toBe(32);
    expect(stored.equals(ring.current.key)).toBe(true);
  });

  it("is reused on the next load, so values sealed before a restart still open", () => {
    const first = loadKeyring(dataDir, {});
    const sealed = seal(first, "survives restart", "ctx");
    const contents = readFileSync(keyFile(), "utf8");
    const second = loadKeyring(dataDir, {});
    expect(second.current.id).toBe(first.current.id);
    expect(readFileSync(keyFile(), "utf8")).toBe(contents);
    expect(open(second, sealed, "ctx")).toBe("survives restart");
  });

  it("tightens a key file that others can read back to 0600", () => {
    loadKeyring(dataDir, {});
    chmodSync(keyFile(), 0o644);
    loadKeyring(dataDir, {});
    expect(modeOf(keyFile())).toBe(0o600);
  });

  it("refuses a corrupt key file, naming it", () => {
    loadKeyring(dataDir, {});
    writeFileSync(keyFile(), "too-short\n");
    expect(() => loadKeyring(dataDir, {})).toThrow(`${keyFile()} must be 32 bytes, base64-encoded`);
  });

  it("gives different installations different keys", () => {
    const other = path.join(path.dirname(dataDir), "other");
    expect(loadKeyring(dataDir, {}).current.id).not.toBe(loadKeyring(other, {}).current.id);
  });
});

describe("KEYHOLD_ENCRYPTION_KEY", () => {
  it("wins over the key file, and no file is written", () => {
    const key = randomBytes(32);
    const ring = loadKeyring(dataDir, { KEYHOLD_ENCRYPTION_KEY: key.toString("base64") });
    expect(ring.current.key.equals(key)).toBe(true);
    expect(existsSync(keyFile())).toBe(false);
  });

  it.each([
    ["16 bytes", randomBytes(16).toString("base64"), 16],
    ["33 bytes", randomBytes(33).toString("base64"), 33],
    ["hex instead of base64", randomBytes(32).toString("hex"), 48],
  ])("rejects a key of the wrong length (%s) with a clear message", (_label, value, got) => {
    expect(() => loadKeyring(dataDir, { KEYHOLD_ENCRYPTION_KEY: value })).toThrow(
      `KEYHOLD_ENCRYPTION_KEY must be 32 bytes, base64-encoded (got ${got} bytes)`,
    );
  });

  it("rejects a bad old key, naming KEYHOLD_ENCRYPTION_OLD_KEYS", () => {
    expect(() =>
      loadKeyring(dataDir, {
        KEYHOLD_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
        KEYHOLD_ENCRYPTION_OLD_KEYS: "abc",
      }),
    ).toThrow(/^KEYHOLD_ENCRYPTION_OLD_KEYS must be 32 bytes/);
  });

  it("lets a generated key file be retired into KEYHOLD_ENCRYPTION_OLD_KEYS", () => {
    const fromFile = loadKeyring(dataDir, {});
    const sealed = seal(fromFile, "from the file era", "ctx");
    const oldKey = readFileSync(keyFile(), "utf8").trim();
    const ring = loadKeyring(dataDir, {
      KEYHOLD_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      KEYHOLD_ENCRYPTION_OLD_KEYS: oldKey,
    });
    expect(ring.current.id).not.toBe(fromFile.current.id);
    expect(open(ring, sealed, "ctx")).toBe("from the file era");
  });
});
