import { describe, expect, it } from "vitest";
import { calendarDate, calendarDateProblem } from "../../lib/input/calendar-date";

describe("calendar dates", () => {
  it.each(["2026-13-45", "2026-02-30", "2025-02-29", "2026-00-10", "2026-04-31"])(
    "refuses %s, which is not in the calendar",
    (day) => {
      expect(calendarDateProblem(day)).toBe(`${day} is not a date in the calendar`);
    },
  );

  it.each(["2024-02-29", "2026-12-31", "1970-01-01", "9998-12-31"])("accepts %s", (day) => {
    expect(calendarDate.parse(day)).toBe(day);
  });

  it("refuses other shapes and years whose next day would not be a four-digit year", () => {
    expect(calendarDateProblem("2026-1-5")).toBe("Use YYYY-MM-DD");
    expect(calendarDateProblem("2026-01-05T00:00")).toBe("Use YYYY-MM-DD");
    expect(calendarDateProblem("0050-01-01")).toBe("Use a year between 1970 and 9998");
    expect(calendarDateProblem("9999-12-31")).toBe("Use a year between 1970 and 9998");
  });
});
