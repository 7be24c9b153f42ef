import { CheckCircle2, XCircle } from "lucide-react";
import type { VerifyOutcome } from "@/lib/secrets/verify";
import { CapabilityTable } from "./capability-table";

/** What the server's verify answers (lib/secrets/verify.ts), as the browser receives it. */
export type VerifyOutcomeView = Omit<VerifyOutcome, "backendLabel" | "capabilities"> & {
  backendLabel?: string;
  capabilities?: VerifyOutcome["capabilities"];
};

/** The outcome of a connectivity check: ok with latency and what was checked, or the code, an explanation and the backend's message. */
export function VerifyResult({ outcome }: { outcome: VerifyOutcomeView }) {
  return (
    <div
      role="status"
      aria-live="polite"
      data-testid="verify-result"
      data-status={outcome.status}
      className={
        outcome.ok
          ? "rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-100"
          : "rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100"
      }
    >
      <p className="flex items-center gap-2 font-medium">
        {outcome.ok ? <CheckCircle2 className="size-4" aria-hidden /> : <XCircle className="size-4" aria-hidden />}
        <span className="font-mono">{outcome.status}</span>
        {outcome.ok && outcome.latencyMs !== null ? (
          <span className="font-normal">in {outcome.latencyMs} ms</span>
        ) : null}
      </p>
      <p className="mt-1">{outcome.ok && outcome.checked ? `Checked: ${outcome.checked}.` : outcome.explanation}</p>
      {outcome.message ? <p className="mt-1 break-words font-mono text-xs opacity-80">{outcome.message}</p> : null}
      {outcome.capabilities ? <CapabilityTable report={outcome.capabilities} /> : null}
    </div>
  );
}
