"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { UserPlus } from "lucide-react";
import { addTenantUserAction } from "@/lib/actions/users/add-tenant-user";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";
import type { ErrorShape } from "@/lib/errors";

const ROLE_LABELS = {
  "tenant-admin": "Tenant administrator",
  "namespace-editor": "Namespace editor",
  viewer: "Viewer",
} as const;
type RoleKey = keyof typeof ROLE_LABELS;

export function AddUserForm({ tenant, namespaces }: { tenant: string; namespaces: string[] }) {
  const router = useRouter();
  const [role, setRole] = useState<RoleKey>("viewer");
  const [error, setError] = useState<ErrorShape | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const fe = error?.fieldErrors;
  return (
    <form
      className="space-y-4"
      aria-label="Add user"
      onSubmit={(e) => {
        e.preventDefault();
        const formEl = e.currentTarget;
        const form = new FormData(formEl);
        const get = (k: string) => String(form.get(k) ?? "");
        startTransition(async () => {
          const result = await addTenantUserAction({
            tenant,
            email: get("email"),
            name: get("name") || undefined,
            password: get("password") || undefined,
            role,
            namespace: role === "tenant-admin" ? null : get("namespace") || null,
          });
          if (!result.ok) return (setError(result.error), setNotice(null));
          setError(null);
          setNotice(`Gave ${result.data.email} the role ${ROLE_LABELS[role]}.`);
          formEl.reset();
          router.refresh();
        });
      }}
    >
      {error && !error.fieldErrors ? <Alert tone="error">{error.message}</Alert> : null}
      <div aria-live="polite">
        {notice ? (
          <Alert tone="success" data-testid="users-notice">
            {notice}
          </Alert>
        ) : null}
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="user-email" label="Email" required error={fe?.email}>
          <input id="user-email" name="email" type="email" maxLength={254} autoComplete="off" className={inputClass} />
        </Field>
        <Field id="user-role" label="Role" required>
          <select
            id="user-role"
            value={role}
            onChange={(e) => setRole(e.target.value as RoleKey)}
            className={inputClass}
          >
            {Object.entries(ROLE_LABELS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </Field>
        <Field
          id="user-namespace"
          label="Namespace"
          help="The role covers this namespace and its children; empty for the whole tenant"
          error={fe?.namespace}
        >
          <select
            id="user-namespace"
            name="namespace"
            disabled={role === "tenant-admin"}
            className={inputClass}
            defaultValue=""
          >
            <option value="">Whole tenant</option>
            {namespaces.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </Field>
        <Field id="user-name" label="Name" help="For a new account" error={fe?.name}>
          <input id="user-name" name="name" maxLength={120} autoComplete="off" className={inputClass} />
        </Field>
        <Field
          id="user-password"
          label="Initial password"
          help="For a new account: at least 12 characters; share it out of band"
          error={fe?.password}
        >
          <input
            id="user-password"
            name="password"
            type="password"
            maxLength={128}
            autoComplete="new-password"
            className={inputClass}
          />
        </Field>
      </div>
      <Button type="submit" disabled={pending}>
        <UserPlus className="size-4" aria-hidden /> {pending ? "Adding…" : "Add user"}
      </Button>
    </form>
  );
}
