"use client";
import Link from "@/components/ui/link";
import { usePathname } from "next/navigation";
import type { PermissionSet } from "@/lib/auth/capabilities";
import { cn } from "@/components/ui/cn";

export function NamespaceTabs({ base, can }: { base: string; can: PermissionSet }) {
  const pathname = usePathname();
  const tabs = [
    { href: base, label: "Overview" },
    { href: `${base}/secrets`, label: "Secrets" },
    ...(can["config:read"] ? [{ href: `${base}/edit`, label: "Edit" }] : []),
  ];
  return (
    <nav aria-label="Namespace sections" className="mb-6 flex gap-1 border-b border-zinc-200 dark:border-zinc-800">
      {tabs.map((t) => {
        const active = pathname === t.href;
        return (
          <Link
            key={t.href}
            href={t.href}
            aria-current={active ? "page" : undefined}
            className={cn(
              "-mb-px border-b-2 px-3 py-2 text-sm",
              active
                ? "border-indigo-600 font-medium text-indigo-700 dark:text-indigo-300"
                : "border-transparent text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100",
            )}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
