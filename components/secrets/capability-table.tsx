import type { CapabilityReport } from "@/lib/backends/capabilities";
import { OPERATION_LABELS } from "@/lib/backends/operations";

const MARK = { yes: "✓ yes", no: "✗ no", unknown: "? unknown" } as const;

/** verify's capability table: each operation the console needs, whether the credential may do it, and the warnings. */
export function CapabilityTable({ report }: { report: CapabilityReport }) {
  return (
    <div className="mt-2 space-y-2 text-zinc-900 dark:text-zinc-100" data-testid="capability-table">
      <table className="w-full text-left text-xs">
        <caption className="sr-only">What the credential can do</caption>
        <thead>
          <tr>
            <th scope="col" className="py-1 pr-3 font-medium">
              Operation
            </th>
            <th scope="col" className="py-1 pr-3 font-medium">
              Allowed
            </th>
            <th scope="col" className="py-1 font-medium">
              How it was checked
            </th>
          </tr>
        </thead>
        <tbody>
          {report.rows.map((r) => (
            <tr key={r.operation} data-operation={r.operation} data-outcome={r.outcome} className="align-top">
              <th scope="row" className="py-1 pr-3 font-normal">
                {OPERATION_LABELS[r.operation]}
              </th>
              <td className="py-1 pr-3 font-mono">{MARK[r.outcome]}</td>
              <td className="break-words py-1 opacity-80">{r.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.warnings.length ? (
        <ul className="list-disc space-y-1 pl-5 text-amber-800 dark:text-amber-200" data-testid="capability-warnings">
          {report.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
      {report.leastPrivilegePolicy ? (
        <div data-testid="least-privilege-policy">
          <p className="text-xs font-medium">Use this policy instead:</p>
          {/* Focusable: a long policy scrolls, and the keyboard must reach it. */}
          <pre
            tabIndex={0}
            aria-label="Least-privilege policy"
            className="mt-1 overflow-x-auto rounded bg-zinc-900 p-2 text-xs text-zinc-100"
          >
            {report.leastPrivilegePolicy}
          </pre>
        </div>
      ) : null}
    </div>
  );
}
