"use client";
import { useState } from "react";

/** A quiet line for backend secrets the rules skip (a count for the whole backend), with the reasons on demand. */
export function IgnoredLine({ ignored }: { ignored: { reason: string; label: string; count: number }[] }) {
  const [open, setOpen] = useState(false);
  const total = ignored.reduce((n, i) => n + i.count, 0);
  if (!total) return null;
  return (
    <span data-testid="ignored-line" className="text-zinc-500">
      {total} secret{total === 1 ? "" : "s"} in this backend {total === 1 ? "is" : "are"} skipped by its rules (counted
      for the whole backend, not only this namespace).{" "}
      <button
        type="button"
        className="underline hover:text-zinc-800 dark:hover:text-zinc-200"
        aria-expanded={open}
        aria-controls="ignored-reasons"
        onClick={() => setOpen(!open)}
      >
        {open ? "Hide reasons" : "Why?"}
      </button>
      {open ? (
        <ul id="ignored-reasons" className="mt-1 list-disc pl-5">
          {ignored.map((i) => (
            <li key={i.reason} data-reason={i.reason}>
              {i.count} × {i.label}
            </li>
          ))}
        </ul>
      ) : null}
    </span>
  );
}
