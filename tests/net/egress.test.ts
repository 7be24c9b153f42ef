import { describe, expect, it } from "vitest";
import { classifyHost, type IpAddress } from "../../lib/net/address";
import {
  addressAllowed,
  createEgressPolicy,
  EGRESS_SENTENCE,
  EgressConfigError,
  EgressRefusedError,
  findEgressRefusal,
  nameVerdict,
  parseEgressEntry,
  resolveAllowed,
  type Resolver,
} from "../../lib/net/egress";
import { egressEntriesOf, egressFromEnv } from "../../lib/net/egress-settings";

// Pure: every name is answered by a fake resolver, so nothing here sends a packet anywhere.
const noLookups: Resolver = async (name) => {
  throw new Error(`test: ${name} must not be looked up`);
};
const fakeDns = (answers: Record<string, string[]>) => {
  const asked: string[] = [];
  const resolve: Resolver = async (name) => {
    asked.push(name);
    const list = answers[name];
    if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: "ENOTFOUND" });
    return list.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return { resolve, asked };
};

const ip = (text: string) => classifyHost(text) as IpAddress;
const policy = (allow: string[] = [], deny: string[] = [], resolve: Resolver = noLookups) =>
  createEgressPolicy({ allow, deny }, resolve);

describe("the default policy", () => {
  const p = policy();
  it.each([
    ["127.0.0.1", false],
    ["127.8.9.10", false],
    ["::1", false],
    ["::ffff:127.0.0.1", false],
    ["::127.0.0.1", false],
    ["0.0.0.0", false],
    ["0.1.2.3", false],
    ["::", false],
    ["169.254.169.254", false],
    ["169.254.10.10", false],
    ["fe80::1", false],
    ["fd00:ec2::254", false],
    ["100.100.100.200", false],
    ["168.63.129.16", false],
    ["::ffff:169.254.169.254", false],
    ["64:ff9b::a9fe:a9fe", false],
    ["10.0.0.1", true],
    ["192.168.1.10", true],
    ["fd12::1", true],
    ["8.8.8.8", true],
    ["2001:db8::1", true],
  ])("%s: allowed %s", (address, allowed) => {
    expect(addressAllowed(p, ip(address), 443)).toBe(allowed);
  });
});

describe("allow and deny lists", () => {
  it("a port-specific allow opens exactly that port of a default-denied address", () => {
    const p = policy(["127.0.0.1:8200"]);
    expect(addressAllowed(p, ip("127.0.0.1"), 8200)).toBe(true);
    expect(addressAllowed(p, ip("127.0.0.1"), 8201)).toBe(false);
    expect(addressAllowed(p, ip("127.0.0.2"), 8200)).toBe(false);
    // The mapped form of the same address is the same address.
    expect(addressAllowed(p, ip("::ffff:127.0.0.1"), 8200)).toBe(true);
    expect(addressAllowed(p, ip("::1"), 8200)).toBe(false);
  });

  it("the most specific entry wins: a narrow allow inside a broad deny, and a narrow deny inside a broad allow", () => {
    const p = policy(["10.1.2.3:8200", "127.0.0.0/8"], ["10.0.0.0/8", "127.0.0.1:5432"]);
    expect(addressAllowed(p, ip("10.1.2.3"), 8200)).toBe(true);
    expect(addressAllowed(p, ip("10.1.2.3"), 22)).toBe(false);
    expect(addressAllowed(p, ip("10.9.9.9"), 8200)).toBe(false);
    expect(addressAllowed(p, ip("127.0.0.1"), 8200)).toBe(true);
    expect(addressAllowed(p, ip("127.0.0.1"), 5432)).toBe(false);
  });

  it("deny wins a tie", () => {
    expect(addressAllowed(policy(["10.0.0.0/8"], ["10.0.0.0/8"]), ip("10.1.1.1"), 443)).toBe(false);
    expect(addressAllowed(policy(["127.0.0.1:1"], ["127.0.0.1:1"]), ip("127.0.0.1"), 1)).toBe(false);
  });

  it("an entry overrides the default for its range, and 0.0.0.0/0 turns the IPv4 defaults off", () => {
    expect(addressAllowed(policy(["127.0.0.0/8"]), ip("127.0.0.1"), 1)).toBe(true);
    const open = policy(["0.0.0.0/0"]);
    expect(addressAllowed(open, ip("169.254.169.254"), 80)).toBe(true);
    expect(addressAllowed(open, ip("::1"), 80)).toBe(false);
  });

  it("IPv6 entries, bracketed with a port", () => {
    const p = policy(["[::1]:8200", "fd00::/8"], ["fd00:1::/32"]);
    expect(addressAllowed(p, ip("::1"), 8200)).toBe(true);
    expect(addressAllowed(p, ip("::1"), 80)).toBe(false);
    expect(addressAllowed(p, ip("fd00:2::1"), 80)).toBe(true);
    expect(addressAllowed(p, ip("fd00:1::1"), 80)).toBe(false);
  });

  it("host names: exact beats wildcard, a longer suffix beats a shorter one, a port beats none", () => {
    const p = policy(["vault.corp.example", "*.eu.corp.example"], ["*.corp.example", "vault.corp.example:22"]);
    expect(nameVerdict(p, "vault.corp.example", 8200)).toBe("allow");
    expect(nameVerdict(p, "vault.corp.example", 22)).toBe("deny");
    expect(nameVerdict(p, "db.corp.example", 5432)).toBe("deny");
    expect(nameVerdict(p, "kv.eu.corp.example", 443)).toBe("allow");
    expect(nameVerdict(p, "corp.example", 443)).toBeNull();
    expect(nameVerdict(p, "example.com", 443)).toBeNull();
  });
});

describe("resolveAllowed", () => {
  it("refuses a default-denied literal without any lookup", async () => {
    for (const host of ["127.0.0.1", "0x7f.1", "2130706433", "[::1]", "::ffff:127.0.0.1", "169.254.169.254", "0"]) {
      await expect(resolveAllowed(policy(), host, 80)).rejects.toBeInstanceOf(EgressRefusedError);
    }
  });

  it("connects to the canonical literal, not the text it was given", async () => {
    expect(await resolveAllowed(policy(["127.0.0.0/8"]), "0x7f.1", 80)).toEqual([{ address: "127.0.0.1", family: 4 }]);
  });

  it("localhost names are loopback without asking a resolver, and pass only when both loopback addresses do", async () => {
    await expect(resolveAllowed(policy(), "localhost", 8200)).rejects.toThrow(EGRESS_SENTENCE);
    await expect(resolveAllowed(policy(), "vault.localhost.", 8200)).rejects.toThrow(EGRESS_SENTENCE);
    await expect(resolveAllowed(policy(["127.0.0.1:8200"]), "localhost", 8200)).rejects.toThrow(EGRESS_SENTENCE);
    expect(await resolveAllowed(policy(["127.0.0.1:8200", "[::1]:8200"]), "localhost", 8200)).toEqual([
      { address: "127.0.0.1", family: 4 },
      { address: "::1", family: 6 },
    ]);
    expect(await resolveAllowed(policy(["localhost:8200"]), "LOCALHOST.", 8200)).toHaveLength(2);
  });

  it("a name resolving to a denied address is refused, and a mixed answer is refused as a whole", async () => {
    const dns = fakeDns({
      "meta.example": ["169.254.169.254"],
      "mixed.example": ["93.184.215.14", "127.0.0.1"],
      "ok.example": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    });
    const p = policy([], [], dns.resolve);
    await expect(resolveAllowed(p, "meta.example", 80)).rejects.toThrow(`${EGRESS_SENTENCE} (meta.example:80).`);
    await expect(resolveAllowed(p, "mixed.example", 443)).rejects.toBeInstanceOf(EgressRefusedError);
    expect(await resolveAllowed(p, "ok.example", 443)).toEqual([
      { address: "93.184.215.14", family: 4 },
      { address: "2606:2800:21f:cb07:6820:80da:af6b:8b2c", family: 6 },
    ]);
    expect(dns.asked).toEqual(["meta.example", "mixed.example", "ok.example"]);
  });

  it("a denied name is refused before any lookup; an allowed name is taken as the administrator vouches for it", async () => {
    const dns = fakeDns({ "vault.corp.example": ["10.1.2.3"], "metadata.google.internal": ["169.254.169.254"] });
    const p = policy(["vault.corp.example:8200"], ["10.0.0.0/8", "metadata.google.internal"], dns.resolve);
    expect(await resolveAllowed(p, "vault.corp.example", 8200)).toEqual([{ address: "10.1.2.3", family: 4 }]);
    await expect(resolveAllowed(p, "vault.corp.example", 8201)).rejects.toBeInstanceOf(EgressRefusedError);
    await expect(resolveAllowed(p, "metadata.google.internal", 80)).rejects.toBeInstanceOf(EgressRefusedError);
    expect(dns.asked).toEqual(["vault.corp.example", "vault.corp.example"]);
  });

  it("a name that does not resolve is unreachable, not forbidden", async () => {
    await expect(resolveAllowed(policy([], [], fakeDns({}).resolve), "nowhere.example", 80)).rejects.toMatchObject({
      code: "ENOTFOUND",
    });
  });

  it("says the host as given, never the address it resolved to", async () => {
    const p = policy([], [], fakeDns({ "inside.example": ["127.0.0.9"] }).resolve);
    const error = await resolveAllowed(p, "inside.example", 8443).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      "This address is not allowed by the instance's egress policy (inside.example:8443).",
    );
    expect(await resolveAllowed(policy(), "::1", 1).catch((e: Error) => e.message)).toBe(
      "This address is not allowed by the instance's egress policy ([::1]:1).",
    );
  });
});

describe("entries", () => {
  it.each([
    ["127.0.0.1", { kind: "cidr", family: 4, prefix: 32, port: null }],
    ["127.0.0.1:8200", { kind: "cidr", prefix: 32, port: 8200 }],
    ["127.0.0.0/8", { kind: "cidr", prefix: 8, port: null }],
    ["127.0.0.0/8:8200", { kind: "cidr", prefix: 8, port: 8200 }],
    ["::1", { kind: "cidr", family: 6, prefix: 128 }],
    ["[::1]:8200", { kind: "cidr", family: 6, port: 8200 }],
    ["[fd00::/8]:443", { kind: "cidr", family: 6, prefix: 8, port: 443 }],
    ["::ffff:10.0.0.0/104", { kind: "cidr", family: 4, prefix: 8 }],
    ["Vault.Corp.Example.", { kind: "name", name: "vault.corp.example", wildcard: false }],
    ["*.corp.example:8200", { kind: "name", name: "corp.example", wildcard: true, port: 8200 }],
    ["localhost:8200", { kind: "name", name: "localhost", port: 8200 }],
  ])("%s", (entry, rule) => expect(parseEgressEntry(entry, "allow")).toMatchObject(rule));

  it.each([
    ["10.0.0.0/33", "'10.0.0.0/33': the prefix length must be 0 to 32"],
    ["10.1.0.0/8", "'10.1.0.0/8' has bits set after the prefix; write the network address"],
    ["10.0.0.1:0", "'10.0.0.1:0': the port must be a number from 1 to 65535"],
    ["10.0.0.1:70000", "'10.0.0.1:70000': the port must be a number from 1 to 65535"],
    ["vault:http", "'vault:http': the port must be a number from 1 to 65535"],
    ["300.1.1.1", "'300.1.1.1' is not an address, CIDR or host name"],
    ["exa mple", "'exa mple' is not an address, CIDR or host name"],
    ["*.", "'*.' is not an address, CIDR or host name"],
    ["nothing/8", "'nothing/8' is not an address or CIDR"],
  ])("refuses %s, naming it", (entry, message) => {
    expect(() => parseEgressEntry(entry, "deny")).toThrow(new EgressConfigError(message));
  });

  it("the environment: commas or spaces, and errors name the variable", () => {
    expect(egressEntriesOf(" 127.0.0.1:1, [::1]:2 ,,vault.example\n")).toEqual([
      "127.0.0.1:1",
      "[::1]:2",
      "vault.example",
    ]);
    expect(egressFromEnv({ KEYHOLD_EGRESS_ALLOW: "127.0.0.1:8200", KEYHOLD_EGRESS_DENY: "10.0.0.0/8" })).toEqual({
      allow: ["127.0.0.1:8200"],
      deny: ["10.0.0.0/8"],
    });
    expect(() => egressFromEnv({ KEYHOLD_EGRESS_DENY: "10.0.0.0/8,10.0.0.0/99" })).toThrow(
      "KEYHOLD_EGRESS_DENY: '10.0.0.0/99': the prefix length must be 0 to 32",
    );
  });

  it("policies with the same rules share an id; other rules get another", () => {
    expect(policy(["127.0.0.1:1"]).id).toBe(policy(["127.0.0.1:1"]).id);
    expect(policy(["127.0.0.1:1"]).id).not.toBe(policy(["127.0.0.1:2"]).id);
    expect(policy(["127.0.0.1:1"]).id).not.toBe(policy([], ["127.0.0.1:1"]).id);
  });
});

describe("findEgressRefusal", () => {
  const refusal = new EgressRefusedError("127.0.0.1:1");
  it("finds the refusal however an SDK wrapped it", () => {
    const copied = Object.assign(new Error(refusal.message), { code: refusal.code, name: "RestError" });
    for (const wrapped of [
      refusal,
      { cause: refusal },
      { cause: { originalError: copied } },
      new AggregateError([new Error("x"), refusal]),
    ]) {
      expect(findEgressRefusal(wrapped)).toEqual({ message: refusal.message });
    }
  });
  it("does not take another error's word for it", () => {
    expect(findEgressRefusal(new Error(refusal.message))).toBeNull();
    expect(findEgressRefusal(Object.assign(new Error("other"), { code: refusal.code }))).toBeNull();
    expect(findEgressRefusal(null)).toBeNull();
  });
});
