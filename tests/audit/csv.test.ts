import { describe, expect, it } from "vitest";
import { auditCsv, csvCell } from "../../lib/audit/csv";

describe("audit CSV", () => {
  it("quotes cells, doubles quotes, and defuses spreadsheet formulas", () => {
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("=HYPERLINK(1)")).toBe(`"'=HYPERLINK(1)"`);
    expect(csvCell("-1+2")).toBe(`"'-1+2"`);
    expect(csvCell(null)).toBe('""');
  });

  it("writes a header and one line per event", () => {
    const csv = auditCsv([
      {
        id: "1",
        at: "2026-01-01T00:00:00.000Z",
        tenant: "acme",
        namespace: null,
        actor: "a@x.test",
        action: "secret.created",
        outcome: "success",
        details: '{"key":"K"}',
      },
    ]);
    expect(csv.split("\r\n")).toEqual([
      "at,tenant,namespace,actor,action,outcome,details",
      '"2026-01-01T00:00:00.000Z","acme","","a@x.test","secret.created","success","{""key"":""K""}"',
      "",
    ]);
  });
});
