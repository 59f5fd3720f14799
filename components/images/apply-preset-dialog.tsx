"use client";

import { Bookmark } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
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
import { stepInfo } from "@/lib/images/catalog";
import { applyBatchAction, listPresetsAction } from "@/lib/images/actions";
import type { ImagePresetDto } from "@/lib/images/preset-schemas";

// The Drive's "Apply preset…": a saved Image Studio preset over the selected images (and the
// images inside selected folders), as one background job. Opens the batch's page once started.

export function ApplyPresetDialog({
  items,
  summary,
  open,
  onOpenChange,
}: {
  /** "file:<id>" / "folder:<id>", as the Drive's forms post a selection. */
  items: string[];
  summary: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <DialogTitle>Apply a preset</DialogTitle>
        <DialogDescription>
          {summary} Results are saved as new files in the “Image Studio” folder; the originals stay
          as they are.
        </DialogDescription>
        {open && <ApplyPresetForm items={items} />}
      </DialogContent>
    </Dialog>
  );
}

function ApplyPresetForm({ items }: { items: string[] }) {
  const router = useRouter();
  const [presets, setPresets] = useState<ImagePresetDto[] | null>(null);
  const [presetId, setPresetId] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  useEffect(() => {
    let live = true;
    void listPresetsAction().then((res) => {
      if (!live) return;
      if (res.ok) {
        setPresets(res.presets);
        setPresetId(res.presets.find((p) => !p.problem)?.id ?? "");
      } else {
        setMessage(res.message);
      }
    });
    return () => {
      live = false;
    };
  }, []);

  const chosen = presets?.find((p) => p.id === presetId);
  if (presets === null && !message) {
    return <p className="py-6 text-center text-sm text-muted-foreground">Loading your presets…</p>;
  }
  if (presets?.length === 0) {
    return (
      <div className="flex flex-col items-center gap-2 py-4 text-center">
        <Bookmark className="size-8 text-muted-foreground" aria-hidden />
        <p className="text-sm font-medium">You have no presets yet</p>
        <p className="text-sm text-muted-foreground">
          Open an image in Image Studio, build a chain of filters and save it as a preset.
        </p>
        <Button asChild variant="outline" size="sm">
          <Link href="/images">Open Image Studio</Link>
        </Button>
      </div>
    );
  }
  return (
    <form
      className="grid gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        startTransition(async () => {
          const result = await applyBatchAction({ items, presetId });
          if (result.ok && result.jobId) {
            router.push(`/images/batches/${result.jobId}`);
          } else {
            setMessage(result.message ?? "Nothing was started.");
          }
        });
      }}
    >
      {message && <Alert>{message}</Alert>}
      {presets && presets.length > 0 && (
        <div className="grid gap-1.5">
          <label htmlFor="batch-preset" className="text-sm font-medium">
            Preset
          </label>
          <Select id="batch-preset" value={presetId} onChange={(e) => setPresetId(e.target.value)}>
            {presets.map((p) => (
              <option key={p.id} value={p.id} disabled={!!p.problem}>
                {p.name}
                {p.problem ? " (outdated)" : ""}
              </option>
            ))}
          </Select>
          {chosen && (
            <p className="text-xs text-muted-foreground">
              {chosen.chain.map((s) => stepInfo(s.kind).label).join(" → ")} · saved as{" "}
              {chosen.output.format.toUpperCase()}
            </p>
          )}
        </div>
      )}
      <div className="flex justify-end gap-2">
        <DialogClose asChild>
          <Button type="button" variant="outline">
            Cancel
          </Button>
        </DialogClose>
        <Button type="submit" disabled={pending || !chosen || !!chosen.problem}>
          {pending ? "Starting…" : "Apply"}
        </Button>
      </div>
    </form>
  );
}
