"use client";
import { Plus, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";

export interface TagRow {
  key: string;
  value: string;
}

/** Editable key=value rows; duplicate and empty keys are flagged here and refused by the server. */
export function TagMapEditor({
  id,
  label,
  help,
  rows,
  onChange,
  error,
}: {
  id: string;
  label: string;
  help?: string;
  rows: TagRow[];
  onChange: (rows: TagRow[]) => void;
  error?: string;
}) {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.key.trim(), (counts.get(r.key.trim()) ?? 0) + 1);
  return (
    <fieldset className="space-y-2" aria-describedby={`${id}-help`}>
      <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">{label}</legend>
      {help ? (
        <p id={`${id}-help`} className="text-xs text-zinc-500 dark:text-zinc-400">
          {help}
        </p>
      ) : null}
      {rows.map((row, i) => {
        const problem =
          row.key.trim() === ""
            ? "Key is required"
            : (counts.get(row.key.trim()) ?? 0) > 1
              ? "Duplicate key"
              : undefined;
        return (
          <div key={i} className="flex items-start gap-2">
            <div className="flex-1">
              <input
                aria-label={`${label} key ${i + 1}`}
                className={inputClass}
                placeholder="key"
                value={row.key}
                aria-invalid={!!problem}
                onChange={(e) => onChange(rows.map((r, j) => (j === i ? { ...r, key: e.target.value } : r)))}
              />
              {problem ? <p className="mt-0.5 text-xs text-red-600 dark:text-red-400">{problem}</p> : null}
            </div>
            <input
              aria-label={`${label} value ${i + 1}`}
              className={`${inputClass} flex-1`}
              placeholder="value"
              value={row.value}
              onChange={(e) => onChange(rows.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)))}
            />
            <Button
              variant="ghost"
              size="sm"
              aria-label={`Remove ${label} row ${i + 1}`}
              onClick={() => onChange(rows.filter((_, j) => j !== i))}
            >
              <Trash2 className="size-4" aria-hidden />
            </Button>
          </div>
        );
      })}
      <Button variant="secondary" size="sm" onClick={() => onChange([...rows, { key: "", value: "" }])}>
        <Plus className="size-3.5" aria-hidden /> Add
      </Button>
      {error ? (
        <p className="text-xs font-medium text-red-600 dark:text-red-400" data-field-error={id}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

export const rowsOf = (map: unknown): TagRow[] =>
  map && typeof map === "object"
    ? Object.entries(map as Record<string, unknown>).map(([key, value]) => ({ key, value: String(value) }))
    : [];

export function hasRowProblems(rows: TagRow[]): boolean {
  const keys = rows.map((r) => r.key.trim());
  return keys.some((k) => k === "") || new Set(keys).size !== keys.length;
}
