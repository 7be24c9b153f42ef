"use client";
import { Dialog } from "@/components/ui/dialog";
import { Button } from "@/components/ui/button";

export function DeleteSecretDialog({
  secretKey,
  namespace,
  backendLabel,
  open,
  onCancel,
  onConfirm,
}: {
  secretKey: string;
  namespace: string;
  backendLabel: string;
  open: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  return (
    <Dialog open={open} onClose={onCancel} title={`Delete ${secretKey}?`}>
      <p className="text-sm">
        This deletes the secret <strong className="font-mono">{secretKey}</strong> of{" "}
        <span className="font-mono">{namespace}</span> from {backendLabel}. Flows that use it will fail.
      </p>
      <div className="mt-5 flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel} autoFocus>
          Cancel
        </Button>
        <Button variant="danger" onClick={onConfirm}>
          Delete {secretKey}
        </Button>
      </div>
    </Dialog>
  );
}
