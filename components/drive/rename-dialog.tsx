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
import { renameAction } from "@/lib/drive/actions";
import { splitName } from "@/lib/drive/name-rules";
import type { FormState } from "@/lib/forms";

export type RenameTarget = { kind: "file" | "folder"; id: string; name: string };

type Props = {
  target: RenameTarget | null;
  onOpenChange(open: boolean): void;
  onDone(message: string): void;
};

export function RenameDialog({ target, onOpenChange, onDone }: Props) {
  return (
    <Dialog open={target !== null} onOpenChange={onOpenChange}>
      <DialogContent>
        <DialogTitle>Rename {target?.kind === "folder" ? "folder" : "file"}</DialogTitle>
        <DialogDescription className="truncate">{target?.name}</DialogDescription>
        {target && (
          <RenameForm key={`${target.kind}:${target.id}`} target={target} onDone={onDone} />
        )}
      </DialogContent>
    </Dialog>
  );
}

function RenameForm({ target, onDone }: { target: RenameTarget; onDone(message: string): void }) {
  const [state, action, pending] = useActionState<FormState, FormData>(async (prev, formData) => {
    const result = await renameAction(prev, formData);
    if (result.ok) onDone(result.message ?? "Done.");
    return result;
  }, {});
  return (
    <form action={action} className="grid gap-4" noValidate>
      {state.message && !state.ok && <Alert>{state.message}</Alert>}
      <input type="hidden" name="item" value={`${target.kind}:${target.id}`} />
      <FormField
        name="name"
        label="New name"
        defaultValue={target.name}
        maxLength={255}
        required
        autoFocus
        autoComplete="off"
        // Select the name without its extension, as file managers do.
        onFocus={(e) => {
          const stem = target.kind === "file" ? splitName(target.name).stem : target.name;
          e.currentTarget.setSelectionRange(0, stem.length);
        }}
        errors={state.errors?.name}
      />
      <div className="flex justify-end gap-2">
        <DialogClose asChild>
          <Button type="button" variant="outline">
            Cancel
          </Button>
        </DialogClose>
        <Button type="submit" disabled={pending}>
          {pending ? "Renaming…" : "Rename"}
        </Button>
      </div>
    </form>
  );
}
