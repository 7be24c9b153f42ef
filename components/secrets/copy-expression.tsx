"use client";
import { Check, Copy } from "lucide-react";
import { useState } from "react";
import { secretExpression } from "@/lib/secrets/expression";

/** Copies `{{ secret('KEY') }}`, or with subkey= when one is picked. */
export function CopyExpression({ secretKey, subkeys }: { secretKey: string; subkeys: string[] }) {
  const [subkey, setSubkey] = useState("");
  const [copied, setCopied] = useState(false);
  const text = secretExpression(secretKey, subkey || undefined);
  return (
    <span className="inline-flex items-center gap-1">
      {subkeys.length ? (
        <select
          aria-label={`Subkey of ${secretKey} to copy`}
          value={subkey}
          onChange={(e) => setSubkey(e.target.value)}
          className="h-7 rounded border border-zinc-300 bg-white px-1 text-xs dark:border-zinc-700 dark:bg-zinc-950"
        >
          <option value="">whole secret</option>
          {subkeys.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      ) : null}
      <button
        type="button"
        className="inline-flex size-7 items-center justify-center rounded text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
        aria-label={`Copy ${text}`}
        title={text}
        data-expression={text}
        onClick={async () => {
          await navigator.clipboard?.writeText(text).catch(() => undefined);
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        }}
      >
        {copied ? (
          <Check className="size-3.5 text-emerald-600" aria-hidden />
        ) : (
          <Copy className="size-3.5" aria-hidden />
        )}
      </button>
      <span aria-live="polite" className="sr-only">
        {copied ? "Copied" : ""}
      </span>
    </span>
  );
}
