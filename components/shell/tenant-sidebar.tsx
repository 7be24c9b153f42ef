"use client";
import Link from "@/components/ui/link";
import { usePathname, useRouter } from "next/navigation";
import { Folder, KeyRound, LayoutDashboard, ScrollText, Settings, Users } from "lucide-react";
import type { PermissionSet } from "@/lib/auth/capabilities";
import type { NamespaceNode } from "@/lib/tenancy/namespaces";
import { cn } from "@/components/ui/cn";
import { CreateNamespaceForm } from "@/components/namespaces/create-namespace-form";

function NavLink({ href, children, exact = false }: { href: string; children: React.ReactNode; exact?: boolean }) {
  const pathname = usePathname();
  const active = exact ? pathname === href : pathname === href || pathname.startsWith(href + "/");
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={cn(
        "flex items-center gap-2 rounded-md px-2 py-1.5 text-sm",
        active
          ? "bg-indigo-50 font-medium text-indigo-700 dark:bg-indigo-950 dark:text-indigo-200"
          : "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800",
      )}
    >
      {children}
    </Link>
  );
}

function Tree({ tenant, nodes }: { tenant: string; nodes: NamespaceNode[] }) {
  return (
    <ul role="group" className="space-y-0.5">
      {nodes.map((n) => (
        <li key={n.path} role="treeitem" aria-selected={false} aria-label={n.path}>
          <NavLink href={`/tenants/${tenant}/namespaces/${n.path}`}>
            <Folder className="size-3.5 shrink-0 text-zinc-400" aria-hidden />
            <span className="truncate" title={n.path}>
              {n.name}
            </span>
          </NavLink>
          {n.children.length ? (
            <div className="ml-3 border-l border-zinc-200 pl-1 dark:border-zinc-800">
              <Tree tenant={tenant} nodes={n.children} />
            </div>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export function TenantSidebar({
  tenant,
  tenants,
  tree,
  can,
}: {
  tenant: { slug: string; displayName: string };
  tenants: { slug: string; displayName: string }[];
  tree: NamespaceNode[];
  can: PermissionSet;
}) {
  const router = useRouter();
  return (
    <aside
      className="w-64 shrink-0 border-r border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900"
      aria-label="Tenant navigation"
    >
      <label htmlFor="tenant-switcher" className="sr-only">
        Tenant
      </label>
      <select
        id="tenant-switcher"
        className="mb-3 w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm font-medium dark:border-zinc-700 dark:bg-zinc-950"
        value={tenant.slug}
        onChange={(e) => router.push(`/tenants/${e.target.value}`)}
      >
        {tenants.map((t) => (
          <option key={t.slug} value={t.slug}>
            {t.displayName} ({t.slug})
          </option>
        ))}
      </select>
      <nav className="space-y-0.5" aria-label="Tenant">
        <NavLink href={`/tenants/${tenant.slug}`} exact>
          <LayoutDashboard className="size-4" aria-hidden /> Overview
        </NavLink>
        {can["secret:list"] ? (
          <NavLink href={`/tenants/${tenant.slug}/secrets`}>
            <KeyRound className="size-4" aria-hidden /> Secrets
          </NavLink>
        ) : null}
        {can["config:read"] ? (
          <NavLink href={`/tenants/${tenant.slug}/settings`}>
            <Settings className="size-4" aria-hidden /> Settings
          </NavLink>
        ) : null}
        {can["user:manage"] ? (
          <NavLink href={`/tenants/${tenant.slug}/users`}>
            <Users className="size-4" aria-hidden /> Users
          </NavLink>
        ) : null}
        {can["audit:read"] ? (
          <NavLink href={`/tenants/${tenant.slug}/audit`}>
            <ScrollText className="size-4" aria-hidden /> Audit
          </NavLink>
        ) : null}
      </nav>
      <h2 className="mb-1 mt-5 px-2 text-xs font-semibold uppercase tracking-wide text-zinc-500">Namespaces</h2>
      <nav aria-label="Namespaces">
        {tree.length ? (
          <div role="tree" aria-label="Namespace tree" data-testid="namespace-tree">
            <Tree tenant={tenant.slug} nodes={tree} />
          </div>
        ) : (
          <p className="px-2 text-xs text-zinc-500">No namespaces yet.</p>
        )}
      </nav>
      {can["namespace:create"] ? (
        <div className="mt-4 px-1">
          <CreateNamespaceForm tenant={tenant.slug} />
        </div>
      ) : null}
    </aside>
  );
}
