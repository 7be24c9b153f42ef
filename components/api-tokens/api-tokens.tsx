"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { KeyRound } from "lucide-react";
import { createApiTokenAction } from "@/lib/actions/tokens/create-api-token";
import { revokeApiTokenAction } from "@/lib/actions/tokens/revoke-api-token";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";
import type { ErrorShape } from "@/lib/errors";

interface Token {
  id: string;
  name: string;
  prefix: string;
  user: string;
  role: string;
  tenant: string | null;
  namespace: string | null;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const day = (iso: string | null) =>
  iso ? new Date(iso).toISOString().slice(0, 16).replace("T", " ") + " UTC" : "never";

function status(t: Token): string {
  if (t.revokedAt) return "revoked";
  return new Date(t.expiresAt).getTime() <= Date.now() ? "expired" : "active";
}

export function ApiTokens({
  tokens,
  tenants,
  instanceAdmin,
  maxDays,
}: {
  tokens: Token[];
  tenants: string[];
  instanceAdmin: boolean;
  maxDays: number;
}) {
  const router = useRouter();
  const [error, setError] = useState<ErrorShape | null>(null);
  const [shown, setShown] = useState<{ name: string; token: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const fe = error?.fieldErrors;
  const canCreate = instanceAdmin || tenants.length > 0;
  return (
    <div className="space-y-6">
      {error && !error.fieldErrors ? <Alert tone="error">{error.message}</Alert> : null}
      {shown ? (
        <Alert tone="success">
          <span className="block">
            Token <strong>{shown.name}</strong> created. Copy it now: it is not shown again.
          </span>
          <code className="mt-2 block break-all select-all" data-testid="new-token">
            {shown.token}
          </code>
        </Alert>
      ) : null}
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="tokens-table">
          <thead className="text-xs text-zinc-500">
            <tr>
              <th className="px-5 py-2">Name</th>
              <th className="px-2 py-2">Acts as</th>
              <th className="px-2 py-2">Role</th>
              <th className="px-2 py-2">Expires</th>
              <th className="px-2 py-2">Last used</th>
              <th className="px-2 py-2">Status</th>
              <th className="px-5 py-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {tokens.map((t) => (
              <tr key={t.id} data-token-name={t.name}>
                <td className="px-5 py-2">
                  <span className="block font-medium">{t.name}</span>
                  <span className="block font-mono text-xs text-zinc-500">{t.prefix}…</span>
                </td>
                <td className="px-2 py-2">{t.user}</td>
                <td className="px-2 py-2">
                  {t.role}
                  {t.tenant ? ` on ${t.tenant}${t.namespace ? `/${t.namespace}` : ""}` : ""}
                </td>
                <td className="px-2 py-2">{day(t.expiresAt)}</td>
                <td className="px-2 py-2" data-testid="last-used">
                  {day(t.lastUsedAt)}
                </td>
                <td className="px-2 py-2">{status(t)}</td>
                <td className="px-5 py-2 text-right">
                  {t.revokedAt ? null : (
                    <Button
                      variant="ghost"
                      size="sm"
                      disabled={pending}
                      aria-label={`Revoke token ${t.name}`}
                      onClick={() =>
                        startTransition(async () => {
                          const result = await revokeApiTokenAction({ id: t.id });
                          setError(result.ok ? null : result.error);
                          router.refresh();
                        })
                      }
                    >
                      Revoke
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canCreate ? (
        <form
          className="grid gap-4 border-t border-zinc-200 p-5 sm:grid-cols-3 dark:border-zinc-800"
          aria-label="Create API token"
          onSubmit={(e) => {
            e.preventDefault();
            const formEl = e.currentTarget;
            const form = new FormData(formEl);
            const get = (k: string) => String(form.get(k) ?? "");
            startTransition(async () => {
              const result = await createApiTokenAction({
                name: get("name"),
                serviceAccount: get("serviceAccount") || undefined,
                role: get("role") as "viewer",
                tenant: get("tenant") || null,
                namespace: get("namespace") || null,
                expiresInDays: Number(get("expiresInDays")),
              });
              if (!result.ok) return setError(result.error);
              setError(null);
              setShown({ name: result.data.name, token: result.data.token });
              formEl.reset();
              router.refresh();
            });
          }}
        >
          <Field id="token-name" label="Name" required error={fe?.name} help="Lowercase, e.g. ci-deploy">
            <input id="token-name" name="name" maxLength={64} autoComplete="off" className={inputClass} />
          </Field>
          <Field
            id="token-service-account"
            label="Service account"
            error={fe?.serviceAccount}
            help="Empty: the token acts as you"
          >
            <input
              id="token-service-account"
              name="serviceAccount"
              maxLength={64}
              autoComplete="off"
              className={inputClass}
            />
          </Field>
          <Field id="token-role" label="Role" required error={fe?.role}>
            <select id="token-role" name="role" defaultValue="viewer" className={inputClass}>
              <option value="viewer">Viewer</option>
              <option value="namespace-editor">Namespace editor</option>
              <option value="tenant-admin">Tenant administrator</option>
              {instanceAdmin ? <option value="instance-admin">Instance administrator</option> : null}
            </select>
          </Field>
          <Field id="token-tenant" label="Tenant" error={fe?.tenant} help="Not for an instance administrator">
            <select id="token-tenant" name="tenant" defaultValue={tenants[0] ?? ""} className={inputClass}>
              <option value="">None</option>
              {tenants.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </Field>
          <Field id="token-namespace" label="Namespace" error={fe?.namespace} help="Empty: the whole tenant">
            <input id="token-namespace" name="namespace" maxLength={255} autoComplete="off" className={inputClass} />
          </Field>
          <Field id="token-days" label="Expires in (days)" required error={fe?.expiresInDays}>
            <input
              id="token-days"
              name="expiresInDays"
              type="number"
              min={1}
              max={maxDays}
              defaultValue={90}
              className={inputClass}
            />
          </Field>
          <div>
            <Button type="submit" disabled={pending}>
              <KeyRound className="size-4" aria-hidden /> Create token
            </Button>
          </div>
        </form>
      ) : (
        <p className="border-t border-zinc-200 p-5 text-sm text-zinc-500 dark:border-zinc-800">
          Only administrators create tokens.
        </p>
      )}
    </div>
  );
}
