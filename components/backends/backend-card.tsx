import { Database, Lock, Server } from "lucide-react";
import type { BackendSummary } from "@/lib/views/backend-summary";
import { Badge } from "@/components/ui/badge";

/** Names the backend serving a page and where it was configured. */
export function BackendSummaryLine({ backend, compact = false }: { backend: BackendSummary; compact?: boolean }) {
  const Icon = backend.type === "builtin" ? Database : Server;
  return (
    <div
      className="flex flex-wrap items-center gap-2"
      data-testid="backend-summary"
      data-backend-type={backend.type}
      data-source={backend.sourceKind}
    >
      <Icon className="size-4 text-zinc-500" aria-hidden />
      <span className="text-sm font-medium" data-testid="backend-label">
        {backend.label}
      </span>
      {backend.readOnly ? (
        <Badge tone="amber" data-testid="read-only-badge">
          <Lock className="size-3" aria-hidden /> Read-only
        </Badge>
      ) : null}
      {backend.lastVerify ? (
        <span
          className="inline-flex items-center gap-1 text-xs text-zinc-500"
          title={`Last verified ${backend.lastVerify.at}: ${backend.lastVerify.status}`}
          data-testid="verify-dot"
          data-status={backend.lastVerify.status}
        >
          <span
            className={
              backend.lastVerify.status === "ok"
                ? "size-2 rounded-full bg-emerald-500"
                : "size-2 rounded-full bg-red-500"
            }
            aria-hidden
          />
          <span className="sr-only">Last check: </span>
          {backend.lastVerify.status}
        </span>
      ) : null}
      <span
        className={compact ? "text-xs text-zinc-500 dark:text-zinc-400" : "text-sm text-zinc-500 dark:text-zinc-400"}
        data-testid="backend-source"
      >
        {backend.sourceLabel}
      </span>
    </div>
  );
}
