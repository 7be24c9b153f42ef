"use client";
import { useState } from "react";
import { KeyRound } from "lucide-react";
import { Dialog } from "@/components/ui/dialog";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { Switch } from "@/components/ui/switch";
import { hasRowProblems, TagMapEditor, type TagRow } from "@/components/settings/tag-map-editor";
import type { SecretRowView } from "@/lib/views/secrets-list";
import { RequestError, useCreateSecret, useUpdateSecret } from "./use-secrets";

/** Create (row = null) or edit a secret. Editing keeps the key fixed and the value locked until "replace value". */
export function SecretDrawer({
  tenant,
  namespace,
  row,
  open,
  onClose,
  onSaved,
}: {
  tenant: string;
  namespace: string;
  row: SecretRowView | null;
  open: boolean;
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const editing = row !== null;
  const [key, setKey] = useState(row?.key ?? "");
  const [value, setValue] = useState("");
  const [replace, setReplace] = useState(!editing);
  const [description, setDescription] = useState(row?.description ?? "");
  const [tags, setTags] = useState<TagRow[]>(
    Object.entries(row?.tags ?? {})
      .filter(([k]) => !["tenant", "namespace", "key", "prefix"].includes(k))
      .map(([k, v]) => ({ key: k, value: v })),
  );
  const create = useCreateSecret(tenant, namespace);
  const update = useUpdateSecret(tenant, namespace);
  const pending = create.isPending || update.isPending;
  const error = (create.error ?? update.error) as RequestError | null;
  const fieldErrors = error?.shape?.fieldErrors ?? {};

  async function submit() {
    if (hasRowProblems(tags)) return;
    const payload = { key, description, tags: tags.map((t) => ({ key: t.key.trim(), value: t.value })) };
    try {
      if (editing) {
        await update.mutateAsync({ ...payload, ...(replace ? { value } : {}) });
        onSaved(replace ? `Updated ${key} (value replaced).` : `Updated ${key} (description and tags).`);
      } else {
        await create.mutateAsync({ ...payload, value });
        onSaved(`Created ${key}.`);
      }
      onClose();
    } catch {
      // The error is shown in the drawer.
    }
  }

  return (
    <Dialog
      open={open}
      onClose={onClose}
      side
      title={editing ? `Edit ${row.key}` : "Create New Secret"}
      description={`In namespace ${namespace}. The value is sent once and never shown again.`}
    >
      <form
        className="space-y-4"
        aria-label={editing ? "Edit secret" : "Create secret"}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {error ? (
          <Alert
            tone="error"
            title={error.shape?.code === "read-only" ? "Read-only backend" : "Not saved"}
            data-testid="drawer-error"
          >
            {error.shape?.message ?? error.message}
          </Alert>
        ) : null}
        <Field
          id="secret-key"
          label="Key"
          required
          error={fieldErrors.key}
          help={
            editing
              ? "The key cannot be changed; create a new secret instead."
              : "Letters, digits, _ . - and /, e.g. DB_PASSWORD"
          }
        >
          <input
            id="secret-key"
            className={`${inputClass} font-mono`}
            value={key}
            onChange={(e) => setKey(e.target.value)}
            readOnly={editing}
            aria-readonly={editing}
            aria-invalid={!!fieldErrors.key}
            autoComplete="off"
            spellCheck={false}
            required
          />
        </Field>
        {editing ? (
          <Switch
            id="secret-replace"
            checked={replace}
            onChange={setReplace}
            label="Replace value"
            description="Off: only the description and tags change."
          />
        ) : null}
        {replace ? (
          <Field id="secret-value" label="Value" required error={fieldErrors.value}>
            <input
              id="secret-value"
              type="password"
              className={`${inputClass} font-mono`}
              value={value}
              onChange={(e) => setValue(e.target.value)}
              aria-invalid={!!fieldErrors.value}
              autoComplete="new-password"
              spellCheck={false}
            />
          </Field>
        ) : (
          <p className="flex items-center gap-2 text-sm text-zinc-500">
            <KeyRound className="size-4" aria-hidden /> The current value is kept.
          </p>
        )}
        <Field id="secret-description" label="Description" error={fieldErrors.description}>
          <textarea
            id="secret-description"
            rows={2}
            className={inputClass}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            maxLength={1000}
          />
        </Field>
        <TagMapEditor
          id="secret-tags"
          label="Tags"
          rows={tags}
          onChange={setTags}
          error={Object.entries(fieldErrors).find(([k]) => k.startsWith("tags"))?.[1]}
        />
        <div className="flex justify-end gap-2 border-t border-zinc-200 pt-4 dark:border-zinc-800">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={pending || !key || (replace && !value) || hasRowProblems(tags)}>
            {pending ? "Saving…" : editing ? "Save changes" : "Create secret"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
