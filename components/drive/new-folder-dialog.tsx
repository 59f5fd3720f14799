"use client";

import { useActionState } from "react";
import { FormField } from "@/components/form-field";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogTitle,
} from "@/components/ui/dialog";
import { createFolderAction } from "@/lib/drive/actions";
import type { FormState } from "@/lib/forms";

type Props = {
  parentId: string | null;
  parentName: string;
  open: boolean;
  onOpenChange(open: boolean): void;
  onDone(message: string): void;
};

export function NewFolderDialog({ parentId, parentName, open, onOpenChange, onDone }: Props) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <DialogTitle>New folder</DialogTitle>
        <DialogDescription className="truncate">In {parentName}</DialogDescription>
        {/* Mounted only while open, so each opening starts with a fresh form state. */}
        {open && <NewFolderForm parentId={parentId} onDone={onDone} />}
      </DialogContent>
    </Dialog>
  );
}

function NewFolderForm({ parentId, onDone }: Pick<Props, "parentId" | "onDone">) {
  const [state, action, pending] = useActionState<FormState, FormData>(async (prev, formData) => {
    const result = await createFolderAction(prev, formData);
    if (result.ok) onDone(result.message ?? "Done.");
    return result;
  }, {});
  return (
    <form action={action} className="grid gap-4" noValidate>
      {state.message && !state.ok && <Alert>{state.message}</Alert>}
      <input type="hidden" name="parentId" value={parentId ?? ""} />
      <FormField
        name="name"
        label="Folder name"
        defaultValue="Untitled folder"
        maxLength={255}
        required
        autoFocus
        onFocus={(e) => e.currentTarget.select()}
        autoComplete="off"
        errors={state.errors?.name}
      />
      <div className="flex justify-end gap-2">
        <DialogClose asChild>
          <Button type="button" variant="outline">
            Cancel
          </Button>
        </DialogClose>
        <Button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create"}
        </Button>
      </div>
    </form>
  );
}
