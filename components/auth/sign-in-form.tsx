"use client";
import { useState, useTransition } from "react";
import { LogIn } from "lucide-react";
import { signInAction } from "@/lib/actions/auth/sign-in";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";
import { Card, CardHeader } from "@/components/ui/card";

export function SignInForm() {
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <Card>
      <CardHeader title="Sign in" />
      <form
        className="space-y-4 p-5"
        aria-label="Sign in"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          startTransition(async () => {
            const result = await signInAction({
              email: String(form.get("email") ?? ""),
              password: String(form.get("password") ?? ""),
            });
            if (!result.ok) return setError(result.error.message);
            // A full load, so every server component renders with the new session.
            // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- a full load, on purpose (above)
            window.location.assign("/");
          });
        }}
      >
        <div aria-live="polite">
          {error ? (
            <Alert tone="error" data-testid="sign-in-error">
              {error}
            </Alert>
          ) : null}
        </div>
        <Field id="email" label="Email" required>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="username"
            maxLength={254}
            required
            className={inputClass}
          />
        </Field>
        <Field id="password" label="Password" required>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            maxLength={128}
            required
            className={inputClass}
          />
        </Field>
        <Button type="submit" disabled={pending} className="w-full">
          <LogIn className="size-4" aria-hidden /> {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
    </Card>
  );
}
