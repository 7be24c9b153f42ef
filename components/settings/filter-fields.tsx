"use client";
import { Field, inputClass } from "@/components/ui/field";
import { Switch } from "@/components/ui/switch";
import { apiFilterSentence } from "@/lib/backends/api-filters";
import { descriptorOf, type ExternalBackendType } from "@/lib/backends/descriptors";
import { TagMapEditor, type TagRow } from "./tag-map-editor";

export interface FilterState {
  prefix: string;
  tags: TagRow[];
  filterTags: TagRow[];
  excludedTags: TagRow[];
  prefixFilterOn: boolean;
  prefixFilter: string;
  keepPrefix: boolean;
}

/** Tagging and filtering options shared by the cloud backends. */
export function FilterFields({
  type,
  state,
  onChange,
  errors,
}: {
  type: ExternalBackendType;
  state: FilterState;
  onChange: (s: FilterState) => void;
  errors: Record<string, string>;
}) {
  const err = (p: string) => errors[`${type}.${p}`];
  const { label, capabilities } = descriptorOf(type);
  const tagWord = capabilities.model === "tagged" ? capabilities.tagWord : "tags";
  return (
    <fieldset className="space-y-5 rounded-md border border-zinc-200 p-4 dark:border-zinc-800">
      <legend className="px-1 text-sm font-medium">Tags and filters</legend>
      <Field
        id="cfg-prefix"
        label="Prefix"
        help={`Written as the 'prefix' ${tagWord === "labels" ? "label" : "tag"} on secrets Keyhold creates; only secrets carrying it are shown.`}
        error={err("prefix")}
      >
        <input
          id="cfg-prefix"
          name="prefix"
          className={inputClass}
          value={state.prefix}
          onChange={(e) => onChange({ ...state, prefix: e.target.value })}
          aria-invalid={!!err("prefix")}
        />
      </Field>
      <TagMapEditor
        id="cfg-tags"
        label="Default tags"
        help={`Added to every secret Keyhold writes, as ${tagWord}.`}
        rows={state.tags}
        onChange={(tags) => onChange({ ...state, tags })}
        error={err("tags")}
      />
      <TagMapEditor
        id="cfg-filter-on-tags"
        label="Filter on tags"
        help="Only secrets carrying every pair are shown."
        rows={state.filterTags}
        onChange={(filterTags) => onChange({ ...state, filterTags })}
        error={err("filter-on-tags.tags") ?? err("filter-on-tags")}
      />
      <TagMapEditor
        id="cfg-excluded-tags"
        label="Excluded tags"
        help="Secrets carrying any of these pairs are hidden."
        rows={state.excludedTags}
        onChange={(excludedTags) => onChange({ ...state, excludedTags })}
        error={err("excluded-tags.tags") ?? err("excluded-tags")}
      />
      <div className="space-y-3">
        <Switch
          id="cfg-filter-on-prefix"
          checked={state.prefixFilterOn}
          onChange={(prefixFilterOn) => onChange({ ...state, prefixFilterOn })}
          label="Filter on name prefix"
          description="Select secrets whose backend name starts with a prefix; the key is the name without it."
        />
        {state.prefixFilterOn ? (
          <div className="grid gap-4 pl-12 sm:grid-cols-2">
            <Field id="cfg-filter-on-prefix-prefix" label="Name prefix" required error={err("filter-on-prefix.prefix")}>
              <input
                id="cfg-filter-on-prefix-prefix"
                name="filter-on-prefix.prefix"
                className={inputClass}
                value={state.prefixFilter}
                onChange={(e) => onChange({ ...state, prefixFilter: e.target.value })}
                aria-invalid={!!err("filter-on-prefix.prefix")}
                placeholder="prod_"
              />
            </Field>
            <label className="flex items-center gap-2 self-end pb-2 text-sm">
              <input
                type="checkbox"
                checked={state.keepPrefix}
                onChange={(e) => onChange({ ...state, keepPrefix: e.target.checked })}
                className="accent-indigo-600"
              />
              Keep the prefix in the key
            </label>
          </div>
        ) : null}
      </div>
      {capabilities.model === "tagged" ? (
        <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="api-filters">
          {apiFilterSentence(label, capabilities.apiFilters)}
        </p>
      ) : null}
    </fieldset>
  );
}
