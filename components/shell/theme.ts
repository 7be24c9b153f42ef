/** The console's colour themes; the choice is kept in the `keyhold-theme` cookie so the server renders it without a flash. */
export type Theme = "light" | "dark" | "system";

export const THEME_COOKIE = "keyhold-theme";

export function themeFromCookie(value: string | undefined): Theme {
  return value === "light" || value === "dark" ? value : "system";
}
