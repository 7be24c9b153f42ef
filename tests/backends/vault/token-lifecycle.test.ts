import { describe, expect, it } from "vitest";
import { nextStep, type HeldToken } from "../../../lib/backends/vault/token-lifecycle";

const held = (over: Partial<HeldToken> = {}): HeldToken => ({
  token: "t",
  policies: [],
  lease: 10,
  renewable: true,
  obtainedAt: 0,
  capped: false,
  ...over,
});

describe("vault token lifecycle: what to do before a request", () => {
  it("uses a token in the first half of its lease, renews it in the second, logs in again in its last second", () => {
    expect(nextStep(held(), 0)).toBe("use");
    expect(nextStep(held(), 4_999)).toBe("use");
    expect(nextStep(held(), 5_001)).toBe("renew");
    expect(nextStep(held(), 8_999)).toBe("renew");
    expect(nextStep(held(), 9_000)).toBe("login");
    expect(nextStep(held(), 60_000)).toBe("login");
  });

  it("logs in again instead of renewing a token that is not renewable or whose max TTL is near", () => {
    expect(nextStep(held({ renewable: false }), 6_000)).toBe("login");
    expect(nextStep(held({ capped: true }), 6_000)).toBe("login");
    expect(nextStep(held({ capped: true }), 1_000)).toBe("use");
  });

  it("keeps a token without a lease (root, periodic without TTL) as it is", () => {
    expect(nextStep(held({ lease: 0 }), 10 ** 9)).toBe("use");
  });

  it("short leases keep a safety margin of a fifth of the lease", () => {
    expect(nextStep(held({ lease: 2 }), 1_500)).toBe("renew");
    expect(nextStep(held({ lease: 2 }), 1_600)).toBe("login");
  });
});
