"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { KeyRound, Save, ShieldCheck } from "lucide-react";
import { saveManagerConfigAction } from "@/lib/actions/managers/save-manager-config";
import { previewSwitchAction } from "@/lib/actions/managers/preview-switch";
import type { SwitchPreview } from "@/lib/secrets/switch-preview";
import { SwitchDialog } from "./switch-dialog";
import { verifyConfigFormAction } from "@/lib/actions/managers/verify-config-form";
import { VerifyResult, type VerifyOutcomeView } from "@/components/secrets/verify-result";
import { CapabilityTable } from "@/components/secrets/capability-table";
import { changedDestinations, reenterMessage } from "@/lib/backends/destination";
import { DEFAULT_PREFIX } from "@/lib/backends/config-fields";
import { descriptorOf, EXTERNAL_BACKEND_TYPES, type ExternalBackendType } from "@/lib/backends/descriptors";
import { getPath as get, pathKeys, setPath as set } from "@/lib/backends/document-path";
import type { ConfigView } from "@/lib/managers/config-view";
import type { ErrorShape } from "@/lib/errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { Switch } from "@/components/ui/switch";
import { FieldInput } from "./field-input";
import { hasRowProblems, rowsOf, type TagRow } from "./tag-map-editor";
import { FilterFields, type FilterState } from "./filter-fields";

function initialState(view: ConfigView, type: ExternalBackendType) {
  const section = (view.type === type ? (view.settings[type] as Record<string, unknown>) : undefined) ?? {};
  const values: Record<string, string> = {};
  const { form: spec, credentials } = descriptorOf(type);
  for (const f of [...spec.fields, ...spec.auth.flatMap((m) => m.fields)]) {
    const v = get(section, f.path);
    if (v !== undefined && !Object.hasOwn(credentials, f.path)) values[f.path] = String(v);
  }
  const filters: FilterState = {
    prefix: String(section.prefix ?? DEFAULT_PREFIX),
    tags: rowsOf(section.tags),
    filterTags: rowsOf(get(section, "filter-on-tags.tags")),
    excludedTags: rowsOf(get(section, "excluded-tags.tags")),
    prefixFilterOn: !!section["filter-on-prefix"],
    prefixFilter: String(get(section, "filter-on-prefix.prefix") ?? ""),
    keepPrefix: get(section, "filter-on-prefix.keep-prefix") === true,
  };
  const has = (p: string) => view.credentialsSet.includes(`${type}.${p}`) || get(section, p) !== undefined;
  const auth = view.type === type ? spec.detectAuth(has) : spec.auth[0].id;
  return { values, filters, auth };
}

/** The section with a placeholder where a stored credential is kept, so its auth method reads as complete. */
function withSetMarkers(section: Record<string, unknown>, paths: string[]): Record<string, unknown> {
  const marked = structuredClone(section);
  for (const p of paths) set(marked, p, "set");
  return marked;
}

const toMap = (rows: TagRow[]) => Object.fromEntries(rows.map((r) => [r.key.trim(), r.value]));

export function ManagerForm({
  tenant,
  namespace,
  view: initialView,
}: {
  tenant: string;
  namespace: string | null;
  view: ConfigView;
}) {
  const router = useRouter();
  const [view, setView] = useState(initialView);
  const [enabled, setEnabled] = useState(initialView.exists ? initialView.enabled : false);
  const [type, setType] = useState<ExternalBackendType>(initialView.type ?? "aws-secret-manager");
  const [readOnly, setReadOnly] = useState(initialView.readOnly);
  // Kestra's `cache` keys: the form edits the TTL and keeps the others as stored.
  const storedCache = (initialView.settings.cache ?? {}) as Record<string, unknown>;
  const [ttl, setTtl] = useState(String(storedCache["expire-after-write"] ?? ""));
  const [init] = useState(() => initialState(initialView, initialView.type ?? "aws-secret-manager"));
  const [values, setValues] = useState(init.values);
  const [filters, setFilters] = useState(init.filters);
  const [auth, setAuth] = useState(init.auth);
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [replacing, setReplacing] = useState<Set<string>>(new Set());
  const [error, setError] = useState<ErrorShape | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const [verify, setVerify] = useState<VerifyOutcomeView | null>(null);
  const [verifying, startVerify] = useTransition();
  const [switching, setSwitching] = useState<{
    preview: SwitchPreview;
    document: unknown;
    keepCredentials: string[];
  } | null>(null);

  function runVerify() {
    const { document, keepCredentials } = buildDocument();
    startVerify(async () => {
      const r = await verifyConfigFormAction({ tenant, namespace, document, keepCredentials });
      if (!r.ok) {
        if (r.error.fieldErrors) setError(r.error);
        return setVerify({
          status: r.error.code,
          ok: false,
          latencyMs: null,
          checked: null,
          message: r.error.message,
          explanation: "",
          at: new Date().toISOString(),
        });
      }
      setVerify(r.data);
      if ("fieldErrors" in r.data && r.data.fieldErrors)
        setError({
          code: "invalid-input",
          message: "Fix the highlighted fields before verifying.",
          fieldErrors: r.data.fieldErrors,
        });
    });
  }

  const descriptor = descriptorOf(type);
  const spec = descriptor.form;
  const tagged = descriptor.capabilities.model === "tagged";
  // Credentials are the paths the backend's descriptor lists: inputs that are never pre-filled or sent back.
  const isSecret = (path: string) => Object.hasOwn(descriptor.credentials, path);
  const method = spec.auth.find((m) => m.id === auth) ?? spec.auth[0];
  const credentialsSet = view.type === type ? view.credentialsSet : [];
  const isSet = (path: string) => credentialsSet.includes(`${type}.${path}`) && !replacing.has(path);
  const fieldError = (path: string) => error?.fieldErrors?.[`${type}.${path}`];
  // The server keeps a stored credential only while its destination is unchanged; say so as soon as one is edited.
  const storedSection = view.type === type ? view.settings[type] : undefined;
  const preview = buildDocument().document[type] as Record<string, unknown>;
  const changed = storedSection ? changedDestinations(type, storedSection, preview) : [];
  const credentialHint = (path: string) =>
    changed.length && isSet(path) ? reenterMessage(type, path, changed) : undefined;
  const identity = descriptor.identity(
    withSetMarkers(
      preview,
      method.fields.filter((f) => isSet(f.path)).map((f) => f.path),
    ),
  );

  function changeType(next: ExternalBackendType) {
    const s = initialState(view, next);
    setType(next);
    setValues(s.values);
    setFilters(s.filters);
    setAuth(s.auth);
    setSecrets({});
    setReplacing(new Set());
    setError(null);
  }

  function buildDocument() {
    const section: Record<string, unknown> = {};
    const keepCredentials: string[] = [];
    for (const f of [...spec.fields, ...method.fields]) {
      if (isSecret(f.path)) {
        if (isSet(f.path)) {
          keepCredentials.push(`${type}.${f.path}`);
          const parent = pathKeys(f.path).slice(0, -1);
          if (parent.length && get(section, parent) === undefined) set(section, parent, {});
        } else if (secrets[f.path]) set(section, f.path, secrets[f.path]);
        continue;
      }
      // A required select shows its first option before it is touched: that is what it sends.
      const v = values[f.path]?.trim() || (f.kind === "select" && f.required ? f.options?.[0]?.value : undefined);
      if (v) set(section, f.path, f.numeric ? Number(v) : v);
    }
    if (tagged) {
      section.prefix = filters.prefix.trim() || DEFAULT_PREFIX;
      if (filters.tags.length) section.tags = toMap(filters.tags);
      if (filters.filterTags.length) section["filter-on-tags"] = { tags: toMap(filters.filterTags) };
      if (filters.excludedTags.length) section["excluded-tags"] = { tags: toMap(filters.excludedTags) };
      if (filters.prefixFilterOn)
        section["filter-on-prefix"] = { prefix: filters.prefixFilter, "keep-prefix": filters.keepPrefix };
    }
    const cache: Record<string, unknown> = { ...storedCache };
    delete cache["expire-after-write"];
    if (ttl.trim()) cache["expire-after-write"] = ttl.trim();
    const document: { type: ExternalBackendType; "read-only": boolean; cache?: Record<string, unknown> } & Record<
      string,
      unknown
    > = { type, "read-only": readOnly, [type]: section };
    if (Object.keys(cache).length) document.cache = cache;
    return { document, keepCredentials };
  }

  function submit() {
    setSaved(null);
    if (tagged && [filters.tags, filters.filterTags, filters.excludedTags].some(hasRowProblems)) {
      setError({ code: "invalid-input", message: "Fix the highlighted tag rows; nothing was saved." });
      return;
    }
    const { document, keepCredentials } = buildDocument();
    startTransition(async () => {
      // A change of the serving backend is previewed first, and the user confirms it whenever the namespace sees a secret
      // now or a key would disappear. A first configuration of a namespace that sees nothing (current = 0, missing = 0)
      // saves directly: nothing can be lost. The server still requires the preview's confirmation token either way.
      const preview = await previewSwitchAction({ tenant, namespace, enabled, document, keepCredentials });
      if (!preview.ok) {
        setError(preview.error);
        return;
      }
      const { counts } = preview.data;
      if (preview.data.switching && (counts.current > 0 || counts.missing > 0)) {
        setSwitching({ preview: preview.data, document, keepCredentials });
        return;
      }
      await save(document, keepCredentials, preview.data.confirmation ?? undefined);
    });
  }

  async function save(document: unknown, keepCredentials: string[], confirmSwitch: string | undefined) {
    const result = await saveManagerConfigAction({
      tenant,
      namespace,
      expectedVersion: view.version,
      enabled,
      document,
      keepCredentials,
      confirmSwitch,
    });
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setError(null);
    setView(result.data);
    setSecrets({});
    setReplacing(new Set());
    setSaved(result.data.exists ? `Saved (version ${result.data.version}).` : "Saved.");
    router.refresh();
  }

  const knownErrorPaths = new Set(
    [...spec.fields, ...spec.auth.flatMap((m) => m.fields)].map((f) => `${type}.${f.path}`),
  );
  const otherErrors = Object.entries(error?.fieldErrors ?? {}).filter(([p]) => !knownErrorPaths.has(p));

  return (
    <form
      aria-label="Dedicated secrets manager"
      className="space-y-6"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      noValidate
    >
      {error ? (
        <Alert
          tone="error"
          title={error.code === "conflict" ? "Conflict: not saved" : "Not saved"}
          data-testid="form-error"
        >
          <p>{error.message}</p>
          {otherErrors.length ? (
            <ul className="mt-1 list-disc pl-5">
              {otherErrors.map(([p, m]) => (
                <li key={p}>
                  <span className="font-mono">{p}</span>: {m}
                </li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}
      {saved ? (
        <Alert tone="success" data-testid="form-saved">
          {saved}
        </Alert>
      ) : null}

      <Switch
        id="manager-enabled"
        checked={enabled}
        onChange={setEnabled}
        label="Use a dedicated secrets manager"
        description={
          namespace
            ? `Serves ${namespace} and its children that have none of their own.`
            : "Serves every namespace of this tenant that has none of its own."
        }
      />

      {enabled ? (
        <>
          <div className="space-y-2">
            <span id="backend-type-label" className="block text-sm font-medium">
              Type
            </span>
            <div role="radiogroup" aria-labelledby="backend-type-label" className="grid gap-2 sm:grid-cols-4">
              {EXTERNAL_BACKEND_TYPES.map((t) => (
                <label
                  key={t}
                  className="flex cursor-pointer items-center gap-2 rounded-md border border-zinc-300 px-3 py-2 text-sm has-[:checked]:border-indigo-600 has-[:checked]:bg-indigo-50 dark:border-zinc-700 dark:has-[:checked]:bg-indigo-950"
                >
                  <input
                    type="radio"
                    name="backend-type"
                    value={t}
                    checked={type === t}
                    onChange={() => changeType(t)}
                    className="accent-indigo-600"
                  />
                  {descriptorOf(t).label}
                </label>
              ))}
            </div>
          </div>

          <Switch
            id="manager-read-only"
            checked={readOnly}
            onChange={setReadOnly}
            label="Read-only"
            description="Keyhold never creates, updates or deletes secrets in this backend; the backend is the source of truth."
          />

          <Field
            id="manager-cache-ttl"
            label="List freshness (TTL)"
            help="How long a scan of this backend stays fresh (cache.expire-after-write): 60s, 5m, 1h or PT1M. Older lists show at once and refresh in the background. Empty: 60 s."
            error={error?.fieldErrors?.["cache.expire-after-write"]}
            className="max-w-xs"
          >
            <input
              id="manager-cache-ttl"
              className={inputClass}
              value={ttl}
              placeholder="60s"
              onChange={(e) => setTtl(e.target.value)}
              aria-invalid={!!error?.fieldErrors?.["cache.expire-after-write"]}
            />
          </Field>

          <div className="grid gap-4 sm:grid-cols-2">
            {spec.fields.map((f) => (
              <FieldInput
                key={`${type}-${f.path}`}
                field={f}
                secret={isSecret(f.path)}
                value={values[f.path] ?? ""}
                onChange={(v) => setValues({ ...values, [f.path]: v })}
                error={fieldError(f.path)}
              />
            ))}
          </div>

          <fieldset className="space-y-3 rounded-md border border-zinc-200 p-4 dark:border-zinc-800">
            <legend className="flex items-center gap-1.5 px-1 text-sm font-medium">
              <KeyRound className="size-4" aria-hidden /> Authentication
            </legend>
            <div role="radiogroup" aria-label="Auth method" className="flex flex-wrap gap-3">
              {spec.auth.map((m) => (
                <label key={m.id} className="flex items-center gap-1.5 text-sm">
                  <input
                    type="radio"
                    name="auth-method"
                    value={m.id}
                    checked={method.id === m.id}
                    onChange={() => setAuth(m.id)}
                    className="accent-indigo-600"
                  />
                  {m.label}
                </label>
              ))}
            </div>
            <p
              className={
                identity.kind === "ambient" ? "text-xs text-amber-700 dark:text-amber-400" : "text-xs text-zinc-500"
              }
              data-testid="identity"
            >
              Authenticates with {identity.label}.
              {identity.kind === "ambient"
                ? " Dedicated managers may use it only where the instance allows it (KEYHOLD_ALLOW_SERVER_IDENTITY), saved by an instance administrator."
                : ""}
            </p>
            {view.credentialsUnusable && view.type === type ? (
              <Alert tone="warning" data-testid="credentials-unusable">
                The stored credentials were saved for another destination or cannot be decrypted: enter them again.
              </Alert>
            ) : null}
            <div className="grid gap-4 sm:grid-cols-2">
              {method.fields.map((f) => (
                <FieldInput
                  key={`${type}-${method.id}-${f.path}`}
                  field={f}
                  secret={isSecret(f.path)}
                  value={isSecret(f.path) ? (secrets[f.path] ?? "") : (values[f.path] ?? "")}
                  onChange={(v) =>
                    isSecret(f.path) ? setSecrets({ ...secrets, [f.path]: v }) : setValues({ ...values, [f.path]: v })
                  }
                  error={fieldError(f.path) ?? credentialHint(f.path)}
                  credentialSet={isSet(f.path)}
                  canCancelReplace={credentialsSet.includes(`${type}.${f.path}`) && replacing.has(f.path)}
                  onReplace={() => setReplacing(new Set(replacing).add(f.path))}
                  onCancelReplace={() => {
                    const next = new Set(replacing);
                    next.delete(f.path);
                    setReplacing(next);
                    setSecrets({ ...secrets, [f.path]: "" });
                  }}
                />
              ))}
            </div>
          </fieldset>

          {tagged ? (
            <FilterFields type={type} state={filters} onChange={setFilters} errors={error?.fieldErrors ?? {}} />
          ) : null}
        </>
      ) : null}

      <div className="flex items-center gap-3 border-t border-zinc-200 pt-4 dark:border-zinc-800">
        <Button type="submit" disabled={pending}>
          <Save className="size-4" aria-hidden /> {pending ? "Saving…" : "Save"}
        </Button>
        {enabled ? (
          <Button variant="secondary" onClick={runVerify} disabled={verifying}>
            <ShieldCheck className={verifying ? "size-4 animate-pulse" : "size-4"} aria-hidden />{" "}
            {verifying ? "Verifying…" : "Verify connection"}
          </Button>
        ) : null}
        {view.exists ? <span className="text-xs text-zinc-500">Version {view.version}</span> : null}
      </div>
      {verify ? <VerifyResult outcome={verify} /> : null}
      {view.lastVerify ? (
        <p className="text-xs text-zinc-500" data-testid="last-verify">
          Last verified {new Date(view.lastVerify.at).toLocaleString()}:{" "}
          <span className="font-mono">{view.lastVerify.status.toLowerCase().replaceAll("_", "-")}</span>
          {view.lastVerify.latencyMs !== null ? ` in ${view.lastVerify.latencyMs} ms` : ""}
          {view.lastVerify.message ? ` — ${view.lastVerify.message}` : ""}
        </p>
      ) : null}
      {view.lastVerify?.capabilities && !verify ? <CapabilityTable report={view.lastVerify.capabilities} /> : null}
      <SwitchDialog
        preview={switching?.preview ?? null}
        pending={pending}
        onCancel={() => setSwitching(null)}
        onConfirm={() => {
          const s = switching;
          setSwitching(null);
          if (s) startTransition(() => save(s.document, s.keepCredentials, s.preview.confirmation ?? undefined));
        }}
      />
    </form>
  );
}
