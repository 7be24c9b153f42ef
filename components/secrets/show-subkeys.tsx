"use client";
import { useState, useTransition } from "react";
import { showSubkeysAction } from "@/lib/actions/secrets/show-subkeys";
import type { ErrorShape } from "@/lib/errors";
import type { ShownSubkeys } from "@/lib/secrets/secret-lookup";

/**
 * A row whose subkeys the list could not tell without reading the value: asks the server to read that one secret
 * and shows the names it answers (kept there, so the next page view shows them too), or the error in place.
 */
export function ShowSubkeys({
  tenant,
  namespace,
  secretKey,
  onShown,
}: {
  tenant: string;
  namespace: string;
  secretKey: string;
  /** `latest`: the latest version, where the backend read it apart from the list (Google). */
  onShown: (subkeys: string[], latest?: ShownSubkeys["latest"]) => void;
}) {
  const [error, setError] = useState<ErrorShape | null>(null);
  const [pending, start] = useTransition();
  return (
    <span className="inline-flex flex-col items-start gap-1">
      <button
        type="button"
        disabled={pending}
        aria-label={`Show subkeys of ${secretKey}`}
        className="rounded px-1 text-xs font-sans text-indigo-700 underline-offset-2 hover:underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:text-zinc-400 dark:text-indigo-400"
        onClick={() =>
          start(async () => {
            const r = await showSubkeysAction({ tenant, namespace, key: secretKey });
            if (r.ok) {
              setError(null);
              onShown(r.data.subkeys, r.data.latest);
            } else setError(r.error);
          })
        }
      >
        {pending ? "Reading…" : "Show subkeys"}
      </button>
      <span aria-live="polite" data-testid="subkeys-error" className="font-sans text-red-700 dark:text-red-400">
        {error ? `${error.code}: ${error.message}` : ""}
      </span>
    </span>
  );
}
