import "server-only";
import { randomBytes, createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { serverEnv, type Env } from "../env";

export interface DataKey {
  id: string;
  key: Buffer;
}

export interface Keyring {
  /** The key new values are encrypted with. */
  current: DataKey;
  /** Every key that can decrypt, by id (the current one and any retired ones). */
  byId: Map<string, DataKey>;
}

const KEY_FILE = "encryption.key";

function parseKey(raw: string, source: string): Buffer {
  const key = Buffer.from(raw.trim(), "base64");
  if (key.length !== 32) throw new Error(`${source} must be 32 bytes, base64-encoded (got ${key.length} bytes)`);
  return key;
}

function idOf(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

/**
 * KEYHOLD_ENCRYPTION_KEY (base64, 32 bytes) wins; otherwise a key file in the data folder, created with
 * mode 0600 on first start. KEYHOLD_ENCRYPTION_OLD_KEYS (comma-separated) keeps retired keys readable.
 */
export function loadKeyring(
  dataDir: string,
  env: Pick<Env, "KEYHOLD_ENCRYPTION_KEY" | "KEYHOLD_ENCRYPTION_OLD_KEYS"> = serverEnv(),
): Keyring {
  let current: DataKey;
  if (env.KEYHOLD_ENCRYPTION_KEY) {
    const key = parseKey(env.KEYHOLD_ENCRYPTION_KEY, "KEYHOLD_ENCRYPTION_KEY");
    current = { id: idOf(key), key };
  } else {
    const file = path.join(dataDir, KEY_FILE);
    if (!existsSync(file)) {
      mkdirSync(dataDir, { recursive: true });
      try {
        writeFileSync(file, randomBytes(32).toString("base64") + "\n", { mode: 0o600, flag: "wx" });
      } catch (error) {
        // Another process created it first: use theirs.
        if ((error as { code?: string }).code !== "EEXIST") throw error;
      }
    }
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) chmodSync(file, 0o600);
    const key = parseKey(readFileSync(file, "utf8"), file);
    current = { id: idOf(key), key };
  }
  const byId = new Map<string, DataKey>([[current.id, current]]);
  for (const raw of (env.KEYHOLD_ENCRYPTION_OLD_KEYS ?? "").split(",").filter((s) => s.trim())) {
    const key = parseKey(raw, "KEYHOLD_ENCRYPTION_OLD_KEYS");
    byId.set(idOf(key), { id: idOf(key), key });
  }
  return { current, byId };
}
