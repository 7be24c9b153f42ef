"use client";
import { Check } from "lucide-react";
import { Field, inputClass } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import type { FieldSpec } from "@/lib/backends/backend-module";

/** Renders one spec field; credentials (`secret`) show "set" with a Replace action and are never pre-filled. */
export function FieldInput({
  field,
  secret,
  value,
  onChange,
  error,
  credentialSet,
  canCancelReplace,
  onReplace,
  onCancelReplace,
}: {
  field: FieldSpec;
  /** A credential path of the backend's descriptor. */
  secret: boolean;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  credentialSet?: boolean;
  canCancelReplace?: boolean;
  onReplace?: () => void;
  onCancelReplace?: () => void;
}) {
  const id = `cfg-${field.path.replace(/\./g, "-")}`;
  const common = {
    id,
    name: field.path,
    "aria-invalid": !!error,
    "aria-describedby": error ? `${id}-error` : field.help ? `${id}-help` : undefined,
  };
  let control;
  if (secret && credentialSet) {
    control = (
      <div className="flex items-center gap-2" data-credential-state="set" data-credential={field.path}>
        <span
          className="inline-flex h-9 flex-1 items-center gap-1.5 rounded-md border border-dashed border-zinc-300 px-3 text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400"
          id={id}
        >
          <Check className="size-4 text-emerald-600" aria-hidden /> Set
        </span>
        <Button variant="secondary" onClick={onReplace} aria-label={`Replace ${field.label}`}>
          Replace
        </Button>
      </div>
    );
  } else if (field.kind === "multiline" && !secret) {
    control = (
      <textarea
        {...common}
        rows={4}
        className={`${inputClass} font-mono text-xs`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        spellCheck={false}
      />
    );
  } else if (field.kind === "multiline") {
    control = (
      <textarea
        {...common}
        rows={5}
        className={`${inputClass} font-mono text-xs`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        autoComplete="off"
        spellCheck={false}
      />
    );
  } else if (field.kind === "select") {
    control = (
      <select
        {...common}
        className={inputClass}
        value={value || field.options?.[0]?.value}
        onChange={(e) => onChange(e.target.value)}
      >
        {field.options?.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else {
    control = (
      <input
        {...common}
        type={secret ? "password" : field.kind === "url" ? "url" : "text"}
        className={inputClass}
        value={value}
        placeholder={field.placeholder}
        onChange={(e) => onChange(e.target.value)}
        autoComplete={secret ? "new-password" : "off"}
        spellCheck={false}
      />
    );
  }
  return (
    <Field
      id={id}
      label={field.label}
      required={field.required}
      help={field.help}
      error={error}
      className={field.kind === "multiline" ? "sm:col-span-2" : undefined}
    >
      {control}
      {canCancelReplace ? (
        <button
          type="button"
          className="text-xs text-indigo-600 hover:underline dark:text-indigo-400"
          onClick={onCancelReplace}
        >
          Keep the current value
        </button>
      ) : null}
    </Field>
  );
}
