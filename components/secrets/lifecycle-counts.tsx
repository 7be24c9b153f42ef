import Link from "@/components/ui/link";

const LABELS = [
  ["expiring", "expire within 30 days"],
  ["disabled", "disabled"],
  ["stale", "not changed for 90 days"],
] as const;

/** A namespace's lifecycle counts on the tenant overview, each linking to its filtered Secrets tab. */
export function LifecycleCounts({
  tenant,
  namespace,
  counts,
}: {
  tenant: string;
  namespace: string;
  counts: Record<(typeof LABELS)[number][0], number>;
}) {
  const shown = LABELS.filter(([k]) => counts[k] > 0);
  if (!shown.length) return <span className="text-zinc-400">none</span>;
  return (
    <span className="flex flex-wrap gap-x-3 gap-y-1">
      {shown.map(([k, label]) => (
        <Link
          key={k}
          href={`/tenants/${tenant}/namespaces/${namespace}/secrets?filter=${k}`}
          className="text-amber-700 hover:underline dark:text-amber-300"
          data-filter={k}
        >
          {counts[k]} {label}
        </Link>
      ))}
    </span>
  );
}
