"use client";

import { Bookmark, Pencil, Trash2 } from "lucide-react";
import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/select";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogTitle,
} from "@/components/ui/dialog";
import { FormField } from "@/components/form-field";
import { deletePresetAction, renamePresetAction, savePresetAction } from "@/lib/images/actions";
import type { Chain, OutputOptions } from "@/lib/images/chain";
import type { ImagePresetDto } from "@/lib/images/preset-schemas";

// Presets: apply a saved chain (an undoable edit like any other), save the current one under a
// name, rename or delete one. The list lives here and follows the actions' answers.

type Status = { ok: boolean; message: string } | null;

export function PresetsPanel({
  initial,
  chain,
  output,
  onApply,
}: {
  initial: ImagePresetDto[];
  chain: Chain;
  output: OutputOptions;
  onApply: (preset: ImagePresetDto) => void;
}) {
  const [presets, setPresets] = useState(initial);
  const [selected, setSelected] = useState(initial[0]?.id ?? "");
  const [dialog, setDialog] = useState<"save" | "rename" | null>(null);
  const [status, setStatus] = useState<Status>(null);
  const [busy, startTransition] = useTransition();
  const current = presets.find((p) => p.id === selected);

  const upsert = (preset: ImagePresetDto) =>
    setPresets((list) =>
      [...list.filter((p) => p.id !== preset.id), preset].sort((a, b) =>
        a.name.localeCompare(b.name),
      ),
    );

  return (
    <div className="grid gap-3">
      {presets.length === 0 ? (
        <p className="text-sm text-muted-foreground">
          No presets yet. Save a chain you like to use it again, or on many images from the Drive.
        </p>
      ) : (
        <div className="grid gap-2">
          <label htmlFor="preset-select" className="text-sm font-medium">
            Your presets
          </label>
          <div className="flex gap-2">
            <Select
              id="preset-select"
              size="sm"
              className="min-w-0 flex-1"
              value={selected}
              onChange={(e) => setSelected(e.target.value)}
            >
              {presets.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                  {p.problem ? " (outdated)" : ""}
                </option>
              ))}
            </Select>
            <Button
              type="button"
              size="sm"
              variant="outline"
              disabled={!current || !!current.problem}
              onClick={() => {
                if (!current) return;
                onApply(current);
                setStatus({
                  ok: true,
                  message: `Applied “${current.name}”. Undo brings back your chain.`,
                });
              }}
            >
              Use
            </Button>
          </div>
          {current?.problem && <p className="text-xs text-destructive">{current.problem}</p>}
          <div className="flex gap-1">
            <Button
              type="button"
              size="sm"
              variant="ghost"
              disabled={!current}
              onClick={() => setDialog("rename")}
            >
              <Pencil aria-hidden />
              Rename
            </Button>
            <Button
              type="button"
              size="sm"
              variant="ghost"
              className="hover:text-destructive"
              disabled={!current || busy}
              onClick={() =>
                current &&
                startTransition(async () => {
                  const result = await deletePresetAction(current.id);
                  setStatus({ ok: !!result.ok, message: result.message ?? "" });
                  if (result.ok) {
                    const rest = presets.filter((p) => p.id !== current.id);
                    setPresets(rest);
                    setSelected(rest[0]?.id ?? "");
                  }
                })
              }
            >
              <Trash2 aria-hidden />
              Delete
            </Button>
          </div>
        </div>
      )}
      <Button
        type="button"
        variant="outline"
        disabled={chain.length === 0}
        onClick={() => setDialog("save")}
      >
        <Bookmark aria-hidden />
        Save as preset…
      </Button>
      {status && (
        <p
          role="status"
          className={status.ok ? "text-xs text-muted-foreground" : "text-xs text-destructive"}
        >
          {status.message}
        </p>
      )}

      <Dialog open={dialog !== null} onOpenChange={(open) => !open && setDialog(null)}>
        <DialogContent>
          {dialog === "save" && (
            <SaveForm
              chain={chain}
              output={output}
              onSaved={(preset, message) => {
                upsert(preset);
                setSelected(preset.id);
                setStatus({ ok: true, message });
                setDialog(null);
              }}
            />
          )}
          {dialog === "rename" && current && (
            <RenameForm
              preset={current}
              onRenamed={(preset, message) => {
                upsert(preset);
                setStatus({ ok: true, message });
                setDialog(null);
              }}
            />
          )}
        </DialogContent>
      </Dialog>
    </div>
  );
}

function SaveForm({
  chain,
  output,
  onSaved,
}: {
  chain: Chain;
  output: OutputOptions;
  onSaved: (preset: ImagePresetDto, message: string) => void;
}) {
  const [name, setName] = useState("");
  const [errors, setErrors] = useState<string[] | undefined>();
  const [message, setMessage] = useState<string | null>(null);
  const [taken, setTaken] = useState(false);
  const [pending, startTransition] = useTransition();

  const save = (replace: boolean) =>
    startTransition(async () => {
      const result = await savePresetAction({ name, chain, output, replace });
      if (result.ok && result.preset) {
        onSaved(result.preset, result.message ?? "Saved.");
        return;
      }
      setErrors(result.errors?.name);
      setMessage(result.errors?.name ? null : (result.message ?? "Not saved."));
      setTaken(result.reason === "name-taken");
    });

  return (
    <form
      className="grid gap-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save(false);
      }}
    >
      <DialogTitle>Save as preset</DialogTitle>
      <DialogDescription>
        Saves the {chain.length === 1 ? "filter" : `${chain.length} filters`} and the output options
        under a name.
      </DialogDescription>
      {message && <Alert>{message}</Alert>}
      <FormField
        name="name"
        label="Preset name"
        value={name}
        onChange={(e) => {
          setName(e.target.value);
          setTaken(false);
        }}
        maxLength={100}
        required
        autoFocus
        autoComplete="off"
        errors={errors}
      />
      <div className="flex flex-wrap justify-end gap-2">
        <DialogClose asChild>
          <Button type="button" variant="outline">
            Cancel
          </Button>
        </DialogClose>
        {taken && (
          <Button type="button" variant="destructive" disabled={pending} onClick={() => save(true)}>
            Replace it
          </Button>
        )}
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save"}
        </Button>
      </div>
    </form>
  );
}

function RenameForm({
  preset,
  onRenamed,
}: {
  preset: ImagePresetDto;
  onRenamed: (preset: ImagePresetDto, message: string) => void;
}) {
  const [name, setName] = useState(preset.name);
  const [errors, setErrors] = useState<string[] | undefined>();
  const [message, setMessage] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <form
      className="grid gap-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        startTransition(async () => {
          const result = await renamePresetAction({ id: preset.id, name });
          if (result.ok && result.preset) {
            onRenamed(result.preset, result.message ?? "Renamed.");
            return;
          }
          setErrors(result.errors?.name);
          setMessage(result.errors?.name ? null : (result.message ?? "Not renamed."));
        });
      }}
    >
      <DialogTitle>Rename preset</DialogTitle>
      <DialogDescription className="truncate">{preset.name}</DialogDescription>
      {message && <Alert>{message}</Alert>}
      <FormField
        name="name"
        label="New name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        maxLength={100}
        required
        autoFocus
        autoComplete="off"
        errors={errors}
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
