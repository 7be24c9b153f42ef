"use client";
import { useEffect, useState } from "react";
import type { SecretsList } from "@/lib/views/secrets-list";

/** "40 s ago", "3 min ago", "2 h ago". */
export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}

/** How fresh the list is: "as of 40 s ago" (updating itself), or "scanning… 12,400 so far" while a first scan runs. */
export function FreshnessLine({ freshness }: { freshness: SecretsList["freshness"] }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5_000);
    return () => clearInterval(t);
  }, []);
  if (freshness.scanning)
    return (
      <span data-testid="secrets-freshness" aria-live="polite">
        scanning… {freshness.scanned.toLocaleString("en")} so far
      </span>
    );
  if (!freshness.asOf) return null;
  return (
    <span data-testid="secrets-freshness" title={new Date(freshness.asOf).toLocaleString()}>
      as of {ago(now - new Date(freshness.asOf).getTime())}
    </span>
  );
}
