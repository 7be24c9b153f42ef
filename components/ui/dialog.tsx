"use client";
import { X } from "lucide-react";
import { useEffect, useRef, type ReactNode } from "react";
import { cn } from "./cn";

/**
 * A modal on the native <dialog>: focus stays inside, Escape closes, the page behind is inert.
 * `side` renders it as a drawer on the right.
 */
export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  side = false,
  labelledBy,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: ReactNode;
  children: ReactNode;
  side?: boolean;
  labelledBy?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (open && !el.open) el.showModal();
    if (!open && el.open) el.close();
  }, [open]);
  const titleId = labelledBy ?? `dialog-${title.replace(/\W+/g, "-").toLowerCase()}`;
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      // Chromium may close a modal on Escape without a cancel event (no user activation since the last one): keep the state in step.
      onClose={() => {
        if (open) onClose();
      }}
      className={cn(
        "bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/40 dark:bg-zinc-900 dark:text-zinc-100",
        side
          ? "fixed inset-y-0 right-0 left-auto m-0 h-full max-h-none w-full max-w-lg border-l border-zinc-200 dark:border-zinc-800"
          : "m-auto w-full max-w-md rounded-lg border border-zinc-200 dark:border-zinc-800",
      )}
    >
      {open ? (
        <div className={cn("flex flex-col", side && "h-full")}>
          <div className="flex items-start justify-between gap-4 border-b border-zinc-200 px-5 py-4 dark:border-zinc-800">
            <div>
              <h2 id={titleId} className="text-base font-semibold">
                {title}
              </h2>
              {description ? (
                <div className="mt-0.5 text-sm text-zinc-500 dark:text-zinc-400">{description}</div>
              ) : null}
            </div>
            <button
              type="button"
              onClick={onClose}
              aria-label="Close"
              className="rounded p-1 text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800"
            >
              <X className="size-4" aria-hidden />
            </button>
          </div>
          <div className={cn("px-5 py-4", side && "flex-1 overflow-y-auto")}>{children}</div>
        </div>
      ) : null}
    </dialog>
  );
}
