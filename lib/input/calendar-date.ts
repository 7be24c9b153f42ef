import { z } from "zod";

// A day typed into a filter (YYYY-MM-DD) must be a real one: `new Date("2026-13-45")` is an invalid date, which the
// database driver refuses deep inside a query. The years are bounded so that the day after stays a four-digit year.
const FIRST_YEAR = 1970;
const LAST_YEAR = 9998;

/** Why `value` is not a real calendar day, or null when it is. */
export function calendarDateProblem(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return "Use YYYY-MM-DD";
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < FIRST_YEAR || year > LAST_YEAR) return `Use a year between ${FIRST_YEAR} and ${LAST_YEAR}`;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return `${value} is not a date in the calendar`;
  return null;
}

/** A calendar day as YYYY-MM-DD text. */
export const calendarDate = z.string().superRefine((value, ctx) => {
  const problem = calendarDateProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** The first instant of a calendar day (UTC). */
export const startOfDay = (day: string) => new Date(`${day}T00:00:00.000Z`);
