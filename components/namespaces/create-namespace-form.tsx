"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { FolderPlus } from "lucide-react";
import { createNamespaceAction } from "@/lib/actions/namespaces/create-namespace";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";

/** Namespaces are dotted paths; missing parents are created with them. */
export function CreateNamespaceForm({ tenant }: { tenant: string }) {
  const router = useRouter();
  const [path, setPath] = useState("");
  const [message, setMessage] = useState<{ tone: "error" | "ok"; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <form
      aria-label="Create namespace"
      className="space-y-2"
      onSubmit={(e) => {
        e.preventDefault();
        startTransition(async () => {
          const result = await createNamespaceAction({ tenant, path });
          if (!result.ok) {
            setMessage({ tone: "error", text: result.error.fieldErrors?.path ?? result.error.message });
            return;
          }
          setMessage({ tone: "ok", text: `Created ${result.data.created.join(", ")}` });
          setPath("");
          router.refresh();
        });
      }}
    >
      <label htmlFor="namespace-path" className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">
        New namespace
      </label>
      <div className="flex gap-2">
        <input
          id="namespace-path"
          className={inputClass}
          placeholder="company.team"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          aria-invalid={message?.tone === "error"}
          aria-describedby="namespace-path-message"
          autoComplete="off"
        />
        <Button type="submit" variant="secondary" disabled={pending || !path} aria-label="Create namespace">
          <FolderPlus className="size-4" aria-hidden />
        </Button>
      </div>
      <p
        id="namespace-path-message"
        aria-live="polite"
        className={
          message?.tone === "error"
            ? "text-xs text-red-600 dark:text-red-400"
            : "text-xs text-emerald-700 dark:text-emerald-400"
        }
      >
        {message?.text}
      </p>
    </form>
  );
}
