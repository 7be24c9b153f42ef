import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DecryptionError, keyIdOf, open, seal } from "../../lib/crypto/envelope";
import { loadKeyring, type Keyring } from "../../lib/crypto/keyring";

const newKey = () => randomBytes(32).toString("base64");
const ringOf = (key: string, oldKeys: string[] = []): Keyring =>
  loadKeyring("/nonexistent-never-used", {
    KEYHOLD_ENCRYPTION_KEY: key,
    KEYHOLD_ENCRYPTION_OLD_KEYS: oldKeys.join(","),
  });

const CONTEXT = "SecretsManagerConfig:cfg-1:credentials";

/** Rebuilds an envelope with one byte of its nonce or body (ciphertext + tag) flipped. */
function flipByte(envelope: string, part: "nonce" | "body", index: number): string {
  const parts = envelope.split(".");
  const slot = part === "nonce" ? 2 : 3;
  const bytes = Buffer.from(parts[slot], "base64url");
  bytes[index] ^= 0x01;
  parts[slot] = bytes.toString("base64url");
  return parts.join(".");
}

describe("envelope", () => {
  const ring = ringOf(newKey());

  it.each(["s3cr3t", "", "ünïcødé 🔑 value", "x".repeat(100_000)])("round-trips %#", (plaintext) => {
    const envelope = seal(ring, plaintext, CONTEXT);
    expect(envelope).toMatch(/^kh1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(open(ring, envelope, CONTEXT)).toBe(plaintext);
  });

  it("uses a fresh nonce each time, so equal plaintexts give different envelopes", () => {
    const a = seal(ring, "same value", CONTEXT);
    const b = seal(ring, "same value", CONTEXT);
    expect(a).not.toBe(b);
    expect(a.split(".")[2]).not.toBe(b.split(".")[2]);
    expect(open(ring, a, CONTEXT)).toBe("same value");
    expect(open(ring, b, CONTEXT)).toBe("same value");
  });

  it("never contains the plaintext, in clear or encoded", () => {
    const canary = "CANARY-plaintext-7f3a9c-do-not-leak";
    const envelope = seal(ring, canary, CONTEXT);
    for (const encoded of [
      canary,
      Buffer.from(canary).toString("base64"),
      Buffer.from(canary).toString("base64url"),
      Buffer.from(canary).toString("hex"),
    ]) {
      expect(envelope).not.toContain(encoded.slice(0, 16));
    }
  });

  describe("rejects a tampered envelope", () => {
    const plaintext = "tamper-me";
    const envelope = seal(ring, plaintext, CONTEXT);
    const bodyLength = Buffer.from(envelope.split(".")[3], "base64url").length;

    it("body is the ciphertext plus a 16-byte tag", () => expect(bodyLength).toBe(plaintext.length + 16));

    it.each([...Array(12).keys()])("nonce byte %i", (i) => {
      expect(() => open(ring, flipByte(envelope, "nonce", i), CONTEXT)).toThrow(DecryptionError);
    });
    it.each([...Array(bodyLength).keys()])("ciphertext/tag byte %i", (i) => {
      expect(() => open(ring, flipByte(envelope, "body", i), CONTEXT)).toThrow(DecryptionError);
    });
    it("truncated tag, missing parts, other version", () => {
      const [v, id, nonce, body] = envelope.split(".");
      const shortBody = Buffer.from(body, "base64url").subarray(0, 10).toString("base64url");
      for (const bad of [
        `${v}.${id}.${nonce}.${shortBody}`,
        `${v}.${id}.${nonce}`,
        `kh2.${id}.${nonce}.${body}`,
        "",
        plaintext,
      ]) {
        expect(() => open(ring, bad, CONTEXT)).toThrow(DecryptionError);
      }
    });
    it("the untampered envelope still opens (the flips above are what fail)", () => {
      expect(open(ring, envelope, CONTEXT)).toBe(plaintext);
    });
  });

  it("binds the context: a value copied to another row does not open", () => {
    const envelope = seal(ring, "bound", "BuiltinSecret:row-1:value");
    expect(() => open(ring, envelope, "BuiltinSecret:row-2:value")).toThrow(DecryptionError);
    expect(() => open(ring, envelope, "")).toThrow(/authentication failed/);
  });

  it("fails clearly when the envelope's key is not configured", () => {
    const other = ringOf(newKey());
    const envelope = seal(other, "elsewhere", CONTEXT);
    expect(() => open(ring, envelope, CONTEXT)).toThrow(DecryptionError);
    expect(() => open(ring, envelope, CONTEXT)).toThrow(`key ${keyIdOf(envelope)} is not configured`);
  });

  it("fails when the key id is swapped for another configured key", () => {
    const oldKey = newKey();
    const both = ringOf(newKey(), [oldKey]);
    const envelope = seal(both, "swap", CONTEXT);
    const oldId = ringOf(oldKey).current.id;
    const swapped = envelope.replace(`.${both.current.id}.`, `.${oldId}.`);
    expect(keyIdOf(swapped)).toBe(oldId);
    expect(() => open(both, swapped, CONTEXT)).toThrow(/authentication failed/);
  });

  describe("key rotation", () => {
    const oldKey = newKey();
    const newKeyText = newKey();
    const before = ringOf(oldKey);
    const sealedBefore = seal(before, "written with the old key", CONTEXT);

    it("opens old values while the old key is listed in KEYHOLD_ENCRYPTION_OLD_KEYS, and seals new ones with the new key", () => {
      const after = ringOf(newKeyText, [oldKey]);
      expect(open(after, sealedBefore, CONTEXT)).toBe("written with the old key");
      const sealedAfter = seal(after, "written with the new key", CONTEXT);
      expect(keyIdOf(sealedBefore)).toBe(before.current.id);
      expect(keyIdOf(sealedAfter)).toBe(after.current.id);
      expect(keyIdOf(sealedAfter)).not.toBe(keyIdOf(sealedBefore));
      // Re-sealing an old value moves it to the new key, after which the old key can go.
      const resealed = seal(after, open(after, sealedBefore, CONTEXT), CONTEXT);
      expect(open(ringOf(newKeyText), resealed, CONTEXT)).toBe("written with the old key");
    });

    it("cannot open old values once the old key is dropped", () => {
      expect(() => open(ringOf(newKeyText), sealedBefore, CONTEXT)).toThrow(DecryptionError);
    });

    it("accepts several old keys, with blanks around the commas", () => {
      const k1 = newKey();
      const sealed1 = seal(ringOf(k1), "one", CONTEXT);
      const ring = loadKeyring("/nonexistent-never-used", {
        KEYHOLD_ENCRYPTION_KEY: newKeyText,
        KEYHOLD_ENCRYPTION_OLD_KEYS: ` ${k1} , ${oldKey},`,
      });
      expect(ring.byId.size).toBe(3);
      expect(open(ring, sealed1, CONTEXT)).toBe("one");
      expect(open(ring, sealedBefore, CONTEXT)).toBe("written with the old key");
    });
  });

  it("keyIdOf reads only kh1 envelopes", () => {
    expect(keyIdOf(seal(ring, "x", CONTEXT))).toBe(ring.current.id);
    expect(keyIdOf("plain text")).toBeUndefined();
    expect(keyIdOf("kh0.abcd1234.n.b")).toBeUndefined();
  });
});
