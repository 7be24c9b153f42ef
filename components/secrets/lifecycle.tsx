"use client";
import { useState } from "react";
import { inputClass } from "@/components/ui/field";
import { Badge } from "@/components/ui/badge";
import type { SecretListQuery } from "@/lib/query/secret-keys";
import type { SecretRowView } from "@/lib/views/secrets-list";

const DAY_MS = 86_400_000;

export const LIFECYCLE_FILTER_LABELS: Record<Exclude<SecretListQuery["filter"], "">, string> = {
  expiring: "Expires within 30 days",
  disabled: "Disabled",
  stale: "Not changed for 90 days",
};

/** The Secrets tab's lifecycle filter; its value lives in the URL (`?filter=`). */
export function LifecycleFilterSelect({
  value,
  onChange,
}: {
  value: SecretListQuery["filter"];
  onChange: (filter: SecretListQuery["filter"]) => void;
}) {
  return (
    <>
      <label htmlFor="secret-filter" className="sr-only">
        Show only
      </label>
      <select
        id="secret-filter"
        className={`${inputClass} w-auto`}
        value={value}
        onChange={(e) => onChange(e.target.value as SecretListQuery["filter"])}
      >
        <option value="">All secrets</option>
        {Object.entries(LIFECYCLE_FILTER_LABELS).map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
      </select>
    </>
  );
}

/** "in 12 days", "3 days ago", "today". */
export function relativeDays(iso: string, now = Date.now()): string {
  const days = Math.round((new Date(iso).getTime() - now) / DAY_MS);
  if (days === 0) return "today";
  return days > 0 ? `in ${days} day${days === 1 ? "" : "s"}` : `${-days} day${days === -1 ? "" : "s"} ago`;
}

const day = (iso: string) => iso.slice(0, 10);

/** Last changed, and the badges a row's lifecycle earns: disabled, expiry, rotation, version. */
export function LifecycleCell({ row }: { row: SecretRowView }) {
  const l = row.lifecycle;
  // Read once per row: relative days need no live clock.
  const [now] = useState(() => Date.now());
  const expires = l.expiresAt ? new Date(l.expiresAt).getTime() : null;
  return (
    <span className="flex flex-col gap-1">
      <span title={row.updatedAt ?? undefined}>{row.updatedAt ? relativeDays(row.updatedAt, now) : "unknown"}</span>
      <span className="flex flex-wrap gap-1">
        {l.enabled === false ? (
          <Badge tone="amber" data-testid="disabled-badge">
            disabled
          </Badge>
        ) : null}
        {l.notBefore && new Date(l.notBefore).getTime() > now ? (
          <Badge tone="amber">active from {day(l.notBefore)}</Badge>
        ) : null}
        {expires !== null ? (
          <Badge tone={expires < now ? "amber" : expires < now + 30 * DAY_MS ? "amber" : "neutral"}>
            {expires < now ? "expired" : "expires"} {relativeDays(l.expiresAt!, now)}
          </Badge>
        ) : null}
        {l.lastRotatedAt ? <Badge tone="neutral">rotated {relativeDays(l.lastRotatedAt, now)}</Badge> : null}
        {l.nextRotationAt ? <Badge tone="neutral">next rotation {day(l.nextRotationAt)}</Badge> : null}
        {l.version ? (
          <Badge tone="neutral">
            v{l.version}
            {l.versionCreatedAt ? ` · ${day(l.versionCreatedAt)}` : ""}
          </Badge>
        ) : null}
      </span>
    </span>
  );
}
