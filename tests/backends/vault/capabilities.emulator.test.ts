// Verify's capability table on OpenBao, for tokens a user would really hand Keyhold: read-only, read-write and
// list-only policies on the folder in use (sys/capabilities-self, lookup-self, one real value read that never
// leaves the adapter), the token's TTL warning, and the least-privilege policy a read-only configuration earns
// when its token can write, which itself gives exactly the read-only table.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBackend } from "../../../lib/backends/registry";
import type { CapabilityReport } from "../../../lib/backends/capabilities";
import { emulatorsDisabled } from "../../support/emulators";
import { document, guardLoopback, root, seed, TENANT, targets, uniqueBase } from "../../support/backends/vault";

guardLoopback();

const t = () => targets()[0]; // KV v2
const outcomes = (r: CapabilityReport | undefined) =>
  Object.fromEntries((r?.rows ?? []).map((row) => [row.operation, row.outcome]));
const policyNames: string[] = [];

async function tokenWith(policy: string, ttl = "768h"): Promise<string> {
  const name = `kh-cap-${process.pid}-${policyNames.length}`;
  policyNames.push(name);
  const c = root();
  await c.write(`sys/policies/acl/${name}`, { policy });
  const created = await c.tokenCreate({ policies: [name], ttl, renewable: false });
  return created.auth.client_token as string;
}

async function verifyWith(base: string, token: string, readOnly: boolean) {
  const b = createBackend({
    document: document(t(), { "secret-path-prefix": base, token: { token } }, readOnly),
    attachment: TENANT,
  });
  return b.verify();
}

describe.skipIf(emulatorsDisabled)("verify's capability table on OpenBao", () => {
  let base = "";
  let folder = "";
  beforeAll(async () => {
    base = uniqueBase("capabilities");
    folder = `${t().mount}`;
    await seed(t(), `${base}/db`, { password: "CANARY-capability-value" });
  });
  afterAll(async () => {
    const c = root();
    for (const name of policyNames) await c.delete(`sys/policies/acl/${name}`).catch(() => undefined);
  });

  it("a read-only token: every read operation yes, write no, no warning", async () => {
    const token = await tokenWith(`
      path "${folder}/metadata/${base}/*" { capabilities = ["list", "read"] }
      path "${folder}/data/${base}/*" { capabilities = ["read"] }`);
    const result = await verifyWith(base, token, true);
    expect(outcomes(result.capabilities)).toEqual({
      authenticate: "yes",
      list: "yes",
      describe: "yes",
      read: "yes",
      write: "no",
    });
    expect(result.capabilities!.rows[0].detail).toMatch(/policies: .*kh-cap-.*TTL 32 d, not renewable/);
    expect(result.capabilities!.warnings).toEqual([]);
    expect(result.capabilities!.leastPrivilegePolicy).toBeNull();
    expect(JSON.stringify(result)).not.toContain("CANARY");
  });

  it("a read-write token on a read-only configuration: write yes, a least-privilege warning with the policy to use", async () => {
    const token = await tokenWith(`
      path "${folder}/metadata/${base}/*" { capabilities = ["list", "read", "update", "delete"] }
      path "${folder}/data/${base}/*" { capabilities = ["create", "read", "update", "delete"] }`);
    const result = await verifyWith(base, token, true);
    expect(outcomes(result.capabilities)).toEqual({
      authenticate: "yes",
      list: "yes",
      describe: "yes",
      read: "yes",
      write: "yes",
    });
    expect(result.capabilities!.warnings.join(" ")).toMatch(/read-only, but the credential can write/);
    const policy = result.capabilities!.leastPrivilegePolicy!;
    expect(policy).toContain(`path "${folder}/data/${base}/*" { capabilities = ["read"] }`);
    // The recommended policy really is least privilege: a token with it reads everything and writes nothing.
    const least = await verifyWith(base, await tokenWith(policy), true);
    expect(outcomes(least.capabilities)).toEqual({
      authenticate: "yes",
      list: "yes",
      describe: "yes",
      read: "yes",
      write: "no",
    });
    expect(least.capabilities!.leastPrivilegePolicy).toBeNull();
    // The same token on a managed configuration is what it should be: no warning.
    const managed = await verifyWith(base, token, false);
    expect(managed.capabilities!.warnings).toEqual([]);
  });

  it("a list-only token with a 3 h TTL: lists, cannot describe or read (flows would fail), expires soon", async () => {
    const token = await tokenWith(`path "${folder}/metadata/${base}/*" { capabilities = ["list"] }`, "3h");
    const result = await verifyWith(base, token, true);
    expect(result.status).toBe("ok");
    expect(outcomes(result.capabilities)).toEqual({
      authenticate: "yes",
      list: "yes",
      describe: "no",
      read: "no",
      write: "no",
    });
    const warnings = result.capabilities!.warnings.join(" ");
    expect(warnings).toMatch(/expires in 3 h and cannot be renewed/);
    expect(warnings).toMatch(/cannot read secret values: flows that call secret\('KEY'\) would fail/);
    expect(result.capabilities!.rows.find((r) => r.operation === "read")!.detail).toMatch(/^forbidden: /);
  });

  it("the root token: everything yes, no expiry", async () => {
    const result = await verifyWith(base, root().token as string, false);
    expect(outcomes(result.capabilities)).toEqual({
      authenticate: "yes",
      list: "yes",
      describe: "yes",
      read: "yes",
      write: "yes",
    });
    expect(result.capabilities!.rows[0].detail).toMatch(/no expiry/);
  });
});
