"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { ShieldPlus } from "lucide-react";
import { addInstanceAdminAction } from "@/lib/actions/users/add-instance-admin";
import { revokeInstanceAdminAction } from "@/lib/actions/users/revoke-instance-admin";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";
import type { ErrorShape } from "@/lib/errors";

interface Admin {
  bindingId: string;
  userId: string;
  email: string;
  name: string;
}

export function InstanceAdmins({ admins, me }: { admins: Admin[]; me: string }) {
  const router = useRouter();
  const [error, setError] = useState<ErrorShape | null>(null);
  const [pending, startTransition] = useTransition();
  const fe = error?.fieldErrors;
  const done = (result: { ok: true } | { ok: false; error: ErrorShape }) => {
    if (!result.ok) return setError(result.error);
    setError(null);
    router.refresh();
  };
  return (
    <div className="space-y-6">
      {error && !error.fieldErrors ? <Alert tone="error">{error.message}</Alert> : null}
      <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" data-testid="admins-list">
        {admins.map((a) => (
          <li key={a.bindingId} className="flex items-center justify-between px-5 py-3" data-admin-email={a.email}>
            <span>
              <span className="block text-sm font-medium">{a.name}</span>
              <span className="block text-xs text-zinc-500">{a.email}</span>
            </span>
            {a.userId === me ? (
              <span className="text-xs text-zinc-500">You</span>
            ) : (
              <Button
                variant="ghost"
                size="sm"
                disabled={pending}
                aria-label={`Revoke administrator role from ${a.email}`}
                onClick={() =>
                  startTransition(async () => done(await revokeInstanceAdminAction({ bindingId: a.bindingId })))
                }
              >
                Revoke
              </Button>
            )}
          </li>
        ))}
      </ul>
      <form
        className="grid gap-4 border-t border-zinc-200 p-5 sm:grid-cols-3 dark:border-zinc-800"
        aria-label="Add administrator"
        onSubmit={(e) => {
          e.preventDefault();
          const formEl = e.currentTarget;
          const form = new FormData(formEl);
          const get = (k: string) => String(form.get(k) ?? "") || undefined;
          startTransition(async () => {
            const result = await addInstanceAdminAction({
              email: get("email") ?? "",
              name: get("name"),
              password: get("password"),
            });
            done(result);
            if (result.ok) formEl.reset();
          });
        }}
      >
        <Field id="admin-email" label="Email" required error={fe?.email}>
          <input id="admin-email" name="email" type="email" maxLength={254} autoComplete="off" className={inputClass} />
        </Field>
        <Field id="admin-name" label="Name" help="For a new account" error={fe?.name}>
          <input id="admin-name" name="name" maxLength={120} autoComplete="off" className={inputClass} />
        </Field>
        <Field id="admin-password" label="Initial password" help="For a new account" error={fe?.password}>
          <input
            id="admin-password"
            name="password"
            type="password"
            maxLength={128}
            autoComplete="new-password"
            className={inputClass}
          />
        </Field>
        <div>
          <Button type="submit" disabled={pending}>
            <ShieldPlus className="size-4" aria-hidden /> Add administrator
          </Button>
        </div>
      </form>
    </div>
  );
}
