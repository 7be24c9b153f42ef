import "server-only";
import type { Filter } from "@aws-sdk/client-secrets-manager";
import type { SelectionRules } from "../classify";

// What a ListSecrets filter value may contain (API reference, Filter.Values). `!` is left out on
// purpose: a leading `!` negates, and a negated tag filter matches any secret with any other tag.
const FILTER_VALUE = /^[A-Za-z0-9 :_@/+=.-]{1,512}$/;
const pushable = (value: string) => FILTER_VALUE.test(value);

/**
 * The ListSecrets `Filters` that narrow a scan without ever dropping a secret the rules select.
 * AWS matches each value as a case-sensitive prefix, and `tag-key` and `tag-value` independently
 * (of any tag), so these only narrow: classify() still checks every pair exactly.
 *
 * - filter-on-prefix → `name` (the same prefix match the rules apply);
 * - one filter-on-tags pair → `tag-key` + `tag-value` (several values in one filter would be OR-ed);
 * - managed tag mode without filter-on-tags → the `prefix` tag pair, as only Keyhold's secrets are shown.
 * Read-only tag mode sends no tag filter, so the page can count the secrets it ignores, and
 * excluded-tags is never sent (negation would match nearly every secret).
 */
export function listFilters(rules: SelectionRules, readOnly: boolean): Filter[] {
  const filters: Filter[] = [];
  if (rules.filterOnPrefix && pushable(rules.filterOnPrefix.prefix))
    filters.push({ Key: "name", Values: [rules.filterOnPrefix.prefix] });
  const pair =
    Object.entries(rules.filterOnTags ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .find(([k, v]) => pushable(k) && pushable(v)) ??
    (!readOnly && !rules.filterOnPrefix ? ["prefix", rules.prefix] : undefined);
  if (pair && pushable(pair[0]) && pushable(pair[1])) {
    filters.push({ Key: "tag-key", Values: [pair[0]] }, { Key: "tag-value", Values: [pair[1]] });
  }
  return filters;
}
