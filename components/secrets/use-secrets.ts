"use client";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { createSecretAction } from "@/lib/actions/secrets/create-secret";
import { deleteSecretAction } from "@/lib/actions/secrets/delete-secret";
import { updateSecretAction } from "@/lib/actions/secrets/update-secret";
import type { ActionResult, ErrorShape } from "@/lib/errors";
import { affectsNamespace, secretKeys, type SecretListQuery } from "@/lib/query/secret-keys";
import type { SecretsList } from "@/lib/views/secrets-list";

export class RequestError extends Error {
  constructor(readonly shape: ErrorShape) {
    super(shape.message);
  }
}

async function unwrap<T>(result: Promise<ActionResult<T>>): Promise<T> {
  const r = await result;
  if (!r.ok) throw new RequestError(r.error);
  return r.data;
}

/** `namespace` null lists the whole tenant (every namespace's own secrets). */
/** `initial` is the server-rendered first page: rows show before any client fetch. */
export function useSecretsList(
  tenant: string,
  namespace: string | null,
  query: SecretListQuery,
  initial?: { query: SecretListQuery; data: SecretsList },
) {
  // Set by refresh(): the next fetch waits for a new scan of the backends instead of serving the index as it is.
  const force = useRef(false);
  // When the server-rendered first page arrived: read once, on the first render.
  const [receivedAt] = useState(() => Date.now());
  const result = useQuery({
    queryKey: secretKeys.list(tenant, namespace ?? "*", query),
    queryFn: async ({ signal }) => {
      const params = new URLSearchParams({
        sort: query.sort,
        dir: query.dir,
        pageSize: "50",
      });
      if (query.search) params.set("search", query.search);
      if (query.cursor) params.set("cursor", query.cursor);
      if (query.filter) params.set("filter", query.filter);
      if (force.current) params.set("refresh", "1");
      force.current = false;
      const base = `/api/tenants/${encodeURIComponent(tenant)}`;
      const url =
        namespace === null
          ? `${base}/secrets?${params}`
          : `${base}/namespaces/${encodeURIComponent(namespace)}/secrets?${params}`;
      const res = await fetch(url, { signal, cache: "no-store" });
      const body = await res
        .json()
        .catch(() => ({ error: { code: "internal", message: `The server answered ${res.status}.` } }));
      if (!res.ok) throw new RequestError(body.error);
      return body as SecretsList;
    },
    initialData: initial && JSON.stringify(initial.query) === JSON.stringify(query) ? initial.data : undefined,
    initialDataUpdatedAt: initial ? receivedAt : undefined,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
    // While a first scan fills the index, the rows grow: ask again every second until it finished.
    refetchInterval: (q) => (q.state.data?.freshness.scanning ? 1_000 : false),
  });
  const refresh = () => {
    force.current = true;
    return result.refetch();
  };
  return { ...result, refresh };
}

function useInvalidate(tenant: string, namespace: string) {
  const client = useQueryClient();
  return () => client.invalidateQueries({ predicate: (q) => affectsNamespace(q.queryKey, tenant, namespace) });
}

export function useCreateSecret(tenant: string, namespace: string) {
  const invalidate = useInvalidate(tenant, namespace);
  return useMutation({
    mutationFn: (input: Omit<Parameters<typeof createSecretAction>[0], "tenant" | "namespace">) =>
      unwrap(createSecretAction({ ...input, tenant, namespace })),
    onSuccess: invalidate,
  });
}

export function useUpdateSecret(tenant: string, namespace: string) {
  const invalidate = useInvalidate(tenant, namespace);
  return useMutation({
    mutationFn: (input: Omit<Parameters<typeof updateSecretAction>[0], "tenant" | "namespace">) =>
      unwrap(updateSecretAction({ ...input, tenant, namespace })),
    onSuccess: invalidate,
  });
}

export function useDeleteSecret(tenant: string, namespace: string, query: SecretListQuery) {
  const client = useQueryClient();
  const invalidate = useInvalidate(tenant, namespace);
  return useMutation({
    mutationFn: (key: string) => unwrap(deleteSecretAction({ tenant, namespace, key })),
    // Optimistic: the row disappears at once and comes back if the backend refuses.
    onMutate: async (key) => {
      const listKey = secretKeys.list(tenant, namespace, query);
      await client.cancelQueries({ queryKey: listKey });
      const previous = client.getQueryData<SecretsList>(listKey);
      if (previous)
        client.setQueryData<SecretsList>(listKey, {
          ...previous,
          rows: previous.rows.filter((r) => r.key !== key || r.inherited),
          total: previous.total - 1,
        });
      return { previous, listKey };
    },
    onError: (_e, _key, context) => {
      if (context?.previous) client.setQueryData(context.listKey, context.previous);
    },
    onSettled: invalidate,
  });
}
