"use client";
import { useState, useTransition } from "react";
import { ShieldCheck } from "lucide-react";
import { setupAdminAction } from "@/lib/actions/auth/setup-admin";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";
import { Card, CardHeader } from "@/components/ui/card";
import type { ErrorShape } from "@/lib/errors";

export function SetupForm() {
  const [error, setError] = useState<ErrorShape | null>(null);
  const [pending, startTransition] = useTransition();
  const fe = error?.fieldErrors;
  return (
    <Card>
      <CardHeader
        title="Create the first administrator"
        description="This page disappears once an administrator exists."
      />
      <form
        className="space-y-4 p-5"
        aria-label="Create the first administrator"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          const get = (k: string) => String(form.get(k) ?? "");
          startTransition(async () => {
            const result = await setupAdminAction({
              email: get("email"),
              name: get("name"),
              password: get("password"),
            });
            if (!result.ok) return setError(result.error);
            // A full load, so every server component renders with the new session.
            // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- on purpose, see above
            window.location.assign("/");
          });
        }}
      >
        {error && !error.fieldErrors ? <Alert tone="error">{error.message}</Alert> : null}
        <Field id="name" label="Name" required error={fe?.name}>
          <input id="name" name="name" autoComplete="name" maxLength={120} className={inputClass} />
        </Field>
        <Field id="email" label="Email" required error={fe?.email}>
          <input id="email" name="email" type="email" autoComplete="username" maxLength={254} className={inputClass} />
        </Field>
        <Field id="password" label="Password" required help="At least 12 characters" error={fe?.password}>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="new-password"
            maxLength={128}
            className={inputClass}
          />
        </Field>
        <Button type="submit" disabled={pending} className="w-full">
          <ShieldCheck className="size-4" aria-hidden /> {pending ? "Creating…" : "Create administrator"}
        </Button>
      </form>
    </Card>
  );
}
