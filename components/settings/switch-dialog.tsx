"use client";
import { useEffect, useRef } from "react";
import { Dialog } from "@/components/ui/dialog";
import { Button } from "@/components/ui/button";
import { wordList } from "@/lib/backends/destination";
import type { SwitchPreview } from "@/lib/secrets/switch-preview";

/**
 * Before a save that changes the serving backend: what flows would lose (possibly nothing), and a confirmation.
 * Focus lands on Cancel when keys would disappear (the safe choice), on "Switch and save" when nothing would be lost;
 * Escape cancels (the Dialog's cancel event).
 */
export function SwitchDialog({
  preview,
  onConfirm,
  onCancel,
  pending,
}: {
  preview: SwitchPreview | null;
  onConfirm: () => void;
  onCancel: () => void;
  pending: boolean;
}) {
  const c = preview?.counts;
  const lossy = !!c && c.missing > 0;
  const box = useRef<HTMLDivElement>(null);
  // Runs after the Dialog's own effect (children first) has opened the modal, so the focus move sticks; again once the
  // preview's transition has ended ("Switch and save" is disabled while it is pending).
  useEffect(() => {
    if (preview && !pending) box.current?.querySelector<HTMLButtonElement>("[data-initial-focus]")?.focus();
  }, [preview, pending]);
  return (
    <Dialog open={!!preview} onClose={onCancel} title="Switch the secrets backend?">
      {preview && c ? (
        <div ref={box} className="space-y-3 text-sm" data-testid="switch-preview">
          <p>
            From <strong>{preview.from}</strong> to <strong>{preview.to}</strong>
            {preview.namespaces.length ? ` for ${preview.namespaces.join(", ")}` : ""}.
          </p>
          {preview.changes.length ? (
            <p data-testid="switch-changes">
              Changed: <strong>{wordList(preview.changes)}</strong>.
            </p>
          ) : null}
          {lossy ? (
            <p data-testid="switch-counts">
              The namespace sees <strong>{c.current}</strong> secret{c.current === 1 ? "" : "s"} now; the new backend
              has <strong>{c.kept}</strong> of their keys. <strong>{c.missing}</strong> would disappear from flows
              {c.added ? `, ${c.added} would appear` : ""}.
            </p>
          ) : (
            <p data-testid="switch-counts">
              {c.current === 1 ? (
                <>
                  The <strong>1</strong> key the namespace sees now exists in the new backend
                </>
              ) : (
                <>
                  All <strong>{c.current}</strong> keys the namespace sees now exist in the new backend
                </>
              )}
              {c.added ? `, ${c.added} more would appear` : ""}; nothing would disappear from flows. Values come from{" "}
              <strong>{preview.to}</strong> after saving.
            </p>
          )}
          {preview.missing.length ? (
            <div>
              <p className="font-medium">secret(&apos;KEY&apos;) would fail for:</p>
              <ul
                tabIndex={0}
                aria-label="Keys that would disappear"
                className="mt-1 max-h-48 list-disc overflow-auto pl-5 font-mono text-xs"
                data-testid="switch-missing"
              >
                {preview.missing.map((m) => (
                  <li key={`${m.namespace}/${m.key}`}>
                    {m.namespace}: {m.key}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {preview.truncated ? (
            <p className="text-amber-700">Counted in part: there are more secrets than a preview reads.</p>
          ) : null}
          {preview.scanError ? (
            <p className="text-amber-700">
              The new backend could not be read ({preview.scanError.code}): {preview.scanError.message}
            </p>
          ) : null}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" type="button" onClick={onCancel} data-initial-focus={lossy ? "" : undefined}>
              Cancel
            </Button>
            <Button type="button" onClick={onConfirm} disabled={pending} data-initial-focus={lossy ? undefined : ""}>
              Switch and save
            </Button>
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}
