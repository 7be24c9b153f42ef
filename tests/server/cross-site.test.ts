import { describe, expect, it } from "vitest";
import { isCrossSite } from "../../lib/server/cross-site";

const h = (init: Record<string, string>) => new Headers(init);

describe("cross-site write detection", () => {
  it("accepts same-origin browsers and non-browser clients", () => {
    expect(
      isCrossSite(h({ host: "keyhold.example", origin: "https://keyhold.example", "sec-fetch-site": "same-origin" })),
    ).toBe(false);
    expect(isCrossSite(h({ host: "keyhold.example" }))).toBe(false);
    expect(
      isCrossSite(
        h({ host: "internal:3000", "x-forwarded-host": "keyhold.example", origin: "https://keyhold.example" }),
      ),
    ).toBe(false);
  });

  it("refuses another site, by Sec-Fetch-Site or by Origin", () => {
    expect(isCrossSite(h({ host: "keyhold.example", "sec-fetch-site": "cross-site" }))).toBe(true);
    expect(
      isCrossSite(h({ host: "keyhold.example", "sec-fetch-site": "same-site", origin: "https://keyhold.example" })),
    ).toBe(true);
    expect(isCrossSite(h({ host: "keyhold.example", origin: "https://evil.example" }))).toBe(true);
    expect(isCrossSite(h({ host: "keyhold.example", origin: "null" }))).toBe(true);
  });
});
