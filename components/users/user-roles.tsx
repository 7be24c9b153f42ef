"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { X } from "lucide-react";
import { revokeRoleAction } from "@/lib/actions/users/revoke-role";
import { removeTenantUserAction } from "@/lib/actions/users/remove-tenant-user";
import { Button } from "@/components/ui/button";

const ROLE_LABELS: Record<string, string> = {
  "tenant-admin": "Tenant administrator",
  "namespace-editor": "Namespace editor",
  viewer: "Viewer",
};

interface UserRow {
  userId: string;
  email: string;
  name: string;
  roles: { id: string; role: string; namespace: string | null }[];
}

export function UserRoles({ tenant, user, self }: { tenant: string; user: UserRow; self: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const run = (call: () => Promise<{ ok: boolean; error?: { message: string } }>) =>
    startTransition(async () => {
      const result = await call();
      if (!result.ok) return setError(result.error?.message ?? "Failed");
      setError(null);
      router.refresh();
    });
  return (
    <tr data-user-email={user.email}>
      <td className="px-3 py-2">
        <span className="block font-medium">{user.name}</span>
        <span className="block text-xs text-zinc-500">{user.email}</span>
      </td>
      <td className="px-3 py-2">
        <ul className="flex flex-wrap gap-1">
          {user.roles.map((r) => (
            <li
              key={r.id}
              className="inline-flex items-center gap-1 rounded bg-zinc-100 px-2 py-0.5 text-xs dark:bg-zinc-800"
            >
              {ROLE_LABELS[r.role]} · {r.namespace ?? "whole tenant"}
              <button
                type="button"
                disabled={pending}
                aria-label={`Revoke ${ROLE_LABELS[r.role]} on ${r.namespace ?? "whole tenant"} from ${user.email}`}
                onClick={() => run(() => revokeRoleAction({ tenant, bindingId: r.id }))}
              >
                <X className="size-3" aria-hidden />
              </button>
            </li>
          ))}
        </ul>
        {error ? (
          <p role="alert" className="mt-1 text-xs text-red-600">
            {error}
          </p>
        ) : null}
      </td>
      <td className="px-3 py-2 text-right">
        {self ? null : (
          <Button
            variant="ghost"
            size="sm"
            disabled={pending}
            onClick={() => run(() => removeTenantUserAction({ tenant, userId: user.userId }))}
            aria-label={`Remove ${user.email} from ${tenant}`}
          >
            Remove
          </Button>
        )}
      </td>
    </tr>
  );
}
