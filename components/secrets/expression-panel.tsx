"use client";
import { useState, useTransition } from "react";
import { SearchCheck } from "lucide-react";
import { checkExpressionAction } from "@/lib/actions/secrets/check-expression";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";

type Outcome = { ok: true; text: string } | { ok: false; text: string };

/** Checks that an expression resolves from this namespace; the value itself never reaches the browser. */
export function ExpressionPanel({ tenant, namespace }: { tenant: string; namespace: string }) {
  const [expression, setExpression] = useState("{{ secret('') }}");
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [pending, start] = useTransition();
  return (
    <form
      aria-label="Expression check"
      className="space-y-2"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const r = await checkExpressionAction({ tenant, namespace, expression });
          setOutcome(
            r.ok
              ? {
                  ok: true,
                  text: `Resolves, ${r.data.length} character${r.data.length === 1 ? "" : "s"}, from ${r.data.namespace} (${r.data.backendLabel}).`,
                }
              : { ok: false, text: r.error.fieldErrors?.expression ?? r.error.message },
          );
        });
      }}
    >
      <label htmlFor="expression-input" className="block text-sm font-medium">
        Check an expression
      </label>
      <div className="flex gap-2">
        <input
          id="expression-input"
          className={`${inputClass} font-mono`}
          value={expression}
          onChange={(e) => setExpression(e.target.value)}
          spellCheck={false}
          autoComplete="off"
        />
        <Button type="submit" variant="secondary" disabled={pending}>
          <SearchCheck className="size-4" aria-hidden /> {pending ? "Checking…" : "Check"}
        </Button>
      </div>
      <p
        aria-live="polite"
        data-testid="expression-result"
        data-ok={outcome?.ok}
        className={
          outcome?.ok ? "text-sm text-emerald-700 dark:text-emerald-400" : "text-sm text-red-700 dark:text-red-400"
        }
      >
        {outcome?.text}
      </p>
    </form>
  );
}
