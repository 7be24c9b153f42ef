"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Plus } from "lucide-react";
import { createTenantAction } from "@/lib/actions/tenants/create-tenant";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";
import type { ErrorShape } from "@/lib/errors";

export function CreateTenantForm() {
  const router = useRouter();
  const [slug, setSlug] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [error, setError] = useState<ErrorShape | null>(null);
  const [pending, startTransition] = useTransition();

  return (
    <form
      className="space-y-4"
      aria-label="Create tenant"
      onSubmit={(e) => {
        e.preventDefault();
        startTransition(async () => {
          const result = await createTenantAction({ slug, displayName: displayName || slug });
          if (!result.ok) return setError(result.error);
          setError(null);
          router.push(`/tenants/${result.data.slug}`);
        });
      }}
    >
      {error && !error.fieldErrors ? <Alert tone="error">{error.message}</Alert> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          id="tenant-slug"
          label="Tenant id"
          required
          help="Lowercase letters, digits and dashes, e.g. acme"
          error={error?.fieldErrors?.slug}
        >
          <input
            id="tenant-slug"
            name="slug"
            className={inputClass}
            value={slug}
            onChange={(e) => setSlug(e.target.value)}
            aria-invalid={!!error?.fieldErrors?.slug}
            autoComplete="off"
          />
        </Field>
        <Field
          id="tenant-name"
          label="Display name"
          help="Shown in the console; defaults to the id"
          error={error?.fieldErrors?.displayName}
        >
          <input
            id="tenant-name"
            name="displayName"
            className={inputClass}
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            aria-invalid={!!error?.fieldErrors?.displayName}
            autoComplete="off"
          />
        </Field>
      </div>
      <Button type="submit" disabled={pending || !slug}>
        <Plus className="size-4" aria-hidden /> {pending ? "Creating…" : "Create tenant"}
      </Button>
    </form>
  );
}
