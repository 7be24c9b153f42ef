// The compiled and WebAssembly dependencies the server loads, on the Node.js this run uses (scripts/test/all.sh runs the
// unit tier on Node 20, 22 and 24): a missing prebuilt binary or an ABI change fails here by name.
import { describe, expect, it } from "vitest";
import { PGlite } from "@electric-sql/pglite";
import { hashPassword, verifyPassword } from "../../lib/auth/password";
import { nodeSupport } from "../../scripts/node-support.mjs";

describe(`native dependencies on Node ${process.version}`, () => {
  it("is a Node.js Keyhold supports", () => {
    expect(nodeSupport(process.version)).toMatchObject({ ok: true, message: expect.stringContaining("supported.") });
  });

  it("@node-rs/argon2 (N-API): hashes with argon2id and verifies", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword({ hash, password: "correct horse battery staple" })).toBe(true);
    expect(await verifyPassword({ hash, password: "wrong horse battery staple" })).toBe(false);
  });

  it("PGlite (WebAssembly): runs SQL in memory", async () => {
    const db = new PGlite();
    try {
      const { rows } = await db.query<{ n: number; j: unknown }>("SELECT 41 + 1 AS n, '{\"a\":1}'::jsonb AS j");
      expect(rows).toEqual([{ n: 42, j: { a: 1 } }]);
    } finally {
      await db.close();
    }
  });
});
