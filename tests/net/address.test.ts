import { describe, expect, it } from "vitest";
import { classifyHost } from "../../lib/net/address";

// Pure: nothing here opens a socket or asks a resolver.
describe("classifyHost", () => {
  it.each([
    // IPv4 in every form inet_aton and the URL standard accept
    ["127.0.0.1", "127.0.0.1", "loopback"],
    ["127.1", "127.0.0.1", "loopback"],
    ["127.0.1", "127.0.0.1", "loopback"],
    ["2130706433", "127.0.0.1", "loopback"],
    ["0x7f000001", "127.0.0.1", "loopback"],
    ["0x7f.1", "127.0.0.1", "loopback"],
    ["0x7F.0x0.0x0.0x1", "127.0.0.1", "loopback"],
    ["0177.0.0.1", "127.0.0.1", "loopback"],
    ["017700000001", "127.0.0.1", "loopback"],
    ["0177.1", "127.0.0.1", "loopback"],
    ["127.255.255.254", "127.255.255.254", "loopback"],
    ["127.0.0.1.", "127.0.0.1", "loopback"],
    ["0", "0.0.0.0", "unspecified"],
    ["0.0.0.0", "0.0.0.0", "unspecified"],
    ["0x0", "0.0.0.0", "unspecified"],
    ["169.254.169.254", "169.254.169.254", "metadata"],
    ["2852039166", "169.254.169.254", "metadata"],
    ["0xa9.0xfe.0xa9.0xfe", "169.254.169.254", "metadata"],
    ["0251.0376.0251.0376", "169.254.169.254", "metadata"],
    ["169.254.43518", "169.254.169.254", "metadata"],
    ["100.100.100.200", "100.100.100.200", "metadata"],
    ["168.63.129.16", "168.63.129.16", "metadata"],
    ["169.254.1.1", "169.254.1.1", "link-local"],
    ["10.1.2.3", "10.1.2.3", "private"],
    ["172.16.0.1", "172.16.0.1", "private"],
    ["172.32.0.1", "172.32.0.1", "public"],
    ["192.168.1.1", "192.168.1.1", "private"],
    ["100.64.0.1", "100.64.0.1", "private"],
    ["8.8.8.8", "8.8.8.8", "public"],
    ["0x8.0x8.0x8.0x8", "8.8.8.8", "public"],
    // IPv6, bracketed or not, zones ignored, mapped and embedded IPv4 judged as IPv4
    ["::1", "::1", "loopback"],
    ["[::1]", "::1", "loopback"],
    ["0:0:0:0:0:0:0:1", "::1", "loopback"],
    ["0000:0000:0000:0000:0000:0000:0000:0001", "::1", "loopback"],
    ["::", "::", "unspecified"],
    ["[::]", "::", "unspecified"],
    ["fe80::1", "fe80::1", "link-local"],
    ["fe80::1%eth0", "fe80::1", "link-local"],
    ["[FE80::ABCD%25en0]", "fe80::abcd", "link-local"],
    ["febf:ffff::1", "febf:ffff::1", "link-local"],
    ["fec0::1", "fec0::1", "public"],
    ["fd00:ec2::254", "fd00:ec2::254", "metadata"],
    ["fd12:3456::1", "fd12:3456::1", "private"],
    ["::ffff:127.0.0.1", "::ffff:7f00:1", "loopback"],
    ["[::ffff:127.0.0.1]", "::ffff:7f00:1", "loopback"],
    ["::ffff:7f00:1", "::ffff:7f00:1", "loopback"],
    ["0:0:0:0:0:ffff:7f00:0001", "::ffff:7f00:1", "loopback"],
    ["::ffff:169.254.169.254", "::ffff:a9fe:a9fe", "metadata"],
    ["::ffff:a9fe:a9fe", "::ffff:a9fe:a9fe", "metadata"],
    ["64:ff9b::169.254.169.254", "64:ff9b::a9fe:a9fe", "metadata"],
    ["::127.0.0.1", "::7f00:1", "loopback"],
    ["::ffff:8.8.8.8", "::ffff:808:808", "public"],
    ["2001:4860:4860::8888", "2001:4860:4860::8888", "public"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", "public"],
  ])("%s is %s (%s)", (input, address, category) => {
    expect(classifyHost(input)).toMatchObject({ kind: "ip", address, category });
  });

  it.each([
    ["localhost", "localhost", "loopback"],
    ["LOCALHOST", "localhost", "loopback"],
    ["localhost.", "localhost", "loopback"],
    ["vault.localhost", "vault.localhost", "loopback"],
    ["a.b.LocalHost.", "a.b.localhost", "loopback"],
    ["localhost.example.com", "localhost.example.com", "name"],
    ["notlocalhost", "notlocalhost", "name"],
    ["vault.internal", "vault.internal", "name"],
    ["Vault.Example.COM.", "vault.example.com", "name"],
    ["xn--bcher-kva.example", "xn--bcher-kva.example", "name"],
    ["metadata.google.internal", "metadata.google.internal", "name"],
    ["127.0.0.1.nip.io", "127.0.0.1.nip.io", "name"],
    ["0x7f.example", "0x7f.example", "name"],
  ])("%s is the name %s (%s)", (input, name, category) => {
    expect(classifyHost(input)).toEqual({ kind: "name", name, category });
  });

  it.each([
    "",
    " ",
    "256.0.0.1",
    "1.2.3.4.5",
    "1.2.3.256",
    "127.0.0.0x100",
    "4294967296",
    "0x100000000",
    "08.0.0.1",
    "1..2.3",
    "example.123",
    "127.0.0.1..",
    ":::1",
    "1::2::3",
    "[127.0.0.1]",
    "[::1",
    "::1]",
    "12345::1",
    "1:2:3:4:5:6:7:8:9",
    "::ffff:127.1",
    "g::1",
    "exa mple.com",
    "-bad.example",
    "a..b",
    `${"a".repeat(64)}.example`,
  ])("%j is not a host", (input) => {
    expect(classifyHost(input).kind).toBe("invalid");
  });

  it("agrees with the URL parser on IPv4 forms", () => {
    for (const form of ["2130706433", "0x7f.1", "0177.0.0.1", "127.1", "0x7f000001"]) {
      const hostname = new URL(`http://${form}/`).hostname;
      expect(classifyHost(form)).toMatchObject({ address: hostname });
    }
  });
});
