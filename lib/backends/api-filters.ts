import type { ApiFilters } from "./backend-module";

/** What the settings form says about where a tagged backend's filters are applied. */
export function apiFilterSentence(label: string, filters: ApiFilters): string {
  const narrowedBy = [
    filters.tags === "one-pair" ? "one filter-on-tags pair" : null,
    filters.tags === "labels" ? "the filter-on-tags pairs that are valid labels" : null,
    filters.namePrefix ? "the name prefix" : null,
  ].filter((part): part is string => part !== null);
  if (!narrowedBy.length)
    return `${label} cannot filter its list: Keyhold reads it whole and checks every pair itself.`;
  const when = filters.inReadOnly ? "" : " (in read-only mode the whole list is read, to count what the rules skip)";
  return `${label} narrows its list by ${narrowedBy.join(" and ")}${when}; Keyhold checks every pair exactly.`;
}
