"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ArchiveRestore, Trash2 } from "lucide-react";
import { listDeletedSecretsAction } from "@/lib/actions/secrets/list-deleted-secrets";
import { purgeSecretAction } from "@/lib/actions/secrets/purge-secret";
import { recoverSecretAction } from "@/lib/actions/secrets/recover-secret";
import type { ActionResult } from "@/lib/errors";
import { affectsNamespace, secretKeys } from "@/lib/query/secret-keys";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { RequestError } from "./use-secrets";

async function unwrap<T>(result: Promise<ActionResult<T>>): Promise<T> {
  const r = await result;
  if (!r.ok) throw new RequestError(r.error);
  return r.data;
}

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : "—");

/**
 * A namespace's deleted-but-recoverable secrets (backends with soft delete: Azure Key Vault), with Recover and Purge
 * when the configuration is writable and the role may write. Each button waits for the backend to finish.
 */
export function DeletedSecrets({
  tenant,
  namespace,
  canWrite,
}: {
  tenant: string;
  namespace: string;
  canWrite: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [purging, setPurging] = useState<string | null>(null);
  const client = useQueryClient();
  const deleted = useQuery({
    queryKey: secretKeys.deleted(tenant, namespace),
    queryFn: () => unwrap(listDeletedSecretsAction({ tenant, namespace })),
    enabled: open,
    staleTime: 5_000,
  });
  const invalidate = () =>
    client.invalidateQueries({ predicate: (q) => affectsNamespace(q.queryKey, tenant, namespace) });
  const operation = useMutation({
    mutationFn: ({ op, key }: { op: "recover" | "purge"; key: string }) =>
      unwrap((op === "recover" ? recoverSecretAction : purgeSecretAction)({ tenant, namespace, key })),
    onMutate: () => setNotice(null),
    onSuccess: (_, { op, key }) => setNotice(op === "recover" ? `Recovered ${key}.` : `Purged ${key}.`),
    onSettled: invalidate,
  });
  const view = deleted.data;
  const writable = canWrite && view && !view.readOnly;
  const busy = operation.isPending ? operation.variables : null;

  return (
    <Card className="p-4">
      <div className="flex items-center justify-between gap-2">
        <h2 className="text-sm font-medium" id="deleted-secrets">
          Deleted secrets
        </h2>
        <Button variant="secondary" size="sm" onClick={() => setOpen(!open)} aria-expanded={open}>
          {open ? "Hide deleted" : "Show deleted"}
        </Button>
      </div>
      {open ? (
        <div className="mt-3 space-y-2 text-sm" aria-live="polite">
          {notice ? <Alert tone="success">{notice}</Alert> : null}
          {operation.error ? (
            <Alert tone="error">{(operation.error as RequestError).shape?.message ?? "The operation failed."}</Alert>
          ) : null}
          {deleted.isPending ? (
            <p className="text-zinc-500">Loading deleted secrets…</p>
          ) : deleted.error ? (
            <Alert tone="error">
              {(deleted.error as RequestError).shape?.message ?? "Cannot list deleted secrets."}
            </Alert>
          ) : !view?.supported ? (
            <p className="text-zinc-500">This secrets manager keeps no deleted secrets: a delete is final.</p>
          ) : view.items.length === 0 ? (
            <p className="text-zinc-500">No deleted secrets in {namespace}.</p>
          ) : (
            <table className="w-full text-left">
              <thead className="text-xs text-zinc-500">
                <tr>
                  <th className="py-1 font-normal">Key</th>
                  <th className="py-1 font-normal">Deleted</th>
                  <th className="py-1 font-normal">Purged automatically</th>
                  <th className="py-1" />
                </tr>
              </thead>
              <tbody>
                {view.items.map((d) => (
                  <tr
                    key={d.key}
                    data-testid={`deleted-row-${d.key}`}
                    className="border-t border-zinc-100 dark:border-zinc-800"
                  >
                    <td className="py-1.5 font-mono">{d.key}</td>
                    <td className="py-1.5">{day(d.deletedOn)}</td>
                    <td className="py-1.5">{day(d.purgeOn)}</td>
                    <td className="py-1.5 text-right">
                      {writable ? (
                        <span className="inline-flex gap-1">
                          <Button
                            variant="secondary"
                            size="sm"
                            disabled={!!busy}
                            onClick={() => operation.mutate({ op: "recover", key: d.key })}
                          >
                            <ArchiveRestore className="size-3.5" aria-hidden />
                            {busy?.key === d.key && busy.op === "recover" ? "Recovering…" : `Recover ${d.key}`}
                          </Button>
                          <Button variant="danger" size="sm" disabled={!!busy} onClick={() => setPurging(d.key)}>
                            <Trash2 className="size-3.5" aria-hidden />
                            {busy?.key === d.key && busy.op === "purge" ? "Purging…" : `Purge ${d.key}`}
                          </Button>
                        </span>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ) : null}
      {purging ? (
        <Dialog open onClose={() => setPurging(null)} title={`Purge ${purging}?`}>
          <p className="text-sm">
            Purging deletes <strong className="font-mono">{purging}</strong> for good: it cannot be recovered
            afterwards.
          </p>
          <div className="mt-5 flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setPurging(null)} autoFocus>
              Cancel
            </Button>
            <Button
              variant="danger"
              onClick={() => {
                const key = purging;
                setPurging(null);
                operation.mutate({ op: "purge", key });
              }}
            >
              Purge {purging} for good
            </Button>
          </div>
        </Dialog>
      ) : null}
    </Card>
  );
}
