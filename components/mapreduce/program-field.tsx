"use client";

import { Code2, FileText, LoaderCircle } from "lucide-react";
import dynamic from "next/dynamic";
import { useId, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { loadProgramAction } from "@/lib/mapreduce/actions";
import type { PickableFile, PickableFolder } from "@/lib/mapreduce/files";
import { cn } from "@/lib/utils";
import { languageOf } from "./code-editor";
import { FilePicker } from "./file-picker";

// One program of a job (mapper, reducer, combiner): written in the editor, or a file of the
// Drive — which "Edit in editor" opens as text. The editor's text is saved to the Drive (in the
// folder the form's uploads go to) when the job is submitted, and the job runs that file.

const CodeEditor = dynamic(() => import("./code-editor"), {
  ssr: false,
  loading: () => (
    <div className="flex min-h-48 items-center justify-center rounded-md border text-sm text-muted-foreground">
      <LoaderCircle className="mr-2 size-4 animate-spin" aria-hidden /> Loading the editor…
    </div>
  ),
});

export type ProgramDraft = {
  mode: "editor" | "drive";
  /** Drive mode: the chosen file. */
  fileId: string | null;
  /** Editor mode: the file name the program is saved under, and its text. */
  name: string;
  source: string;
  /** The Drive file the editor's text was last saved as, and the text saved. */
  saved: { id: string; source: string; name: string } | null;
};

export const draftFromFile = (fileId: string | null): ProgramDraft => ({
  mode: "drive",
  fileId,
  name: "",
  source: "",
  saved: null,
});

export const draftFromText = (name: string, source: string): ProgramDraft => ({
  mode: "editor",
  fileId: null,
  name,
  source,
  saved: null,
});

/** Whether the draft names a program at all (an empty reducer means a map-only job). */
export const draftHasProgram = (d: ProgramDraft) =>
  d.mode === "drive" ? d.fileId !== null : d.source.trim() !== "";

export function ProgramField({
  role,
  label,
  hint,
  draft,
  onChange,
  files,
  folders,
  uploadFolderId,
  onUploaded,
  onUploadingChange,
  errors,
  accept,
}: {
  role: "mapper" | "reducer" | "combinerFile";
  label: string;
  hint?: string;
  draft: ProgramDraft;
  onChange: (d: ProgramDraft) => void;
  files: PickableFile[];
  folders: PickableFolder[];
  uploadFolderId: string | null;
  onUploaded: (f: PickableFile) => void;
  onUploadingChange: (name: string, count: number) => void;
  errors?: string[];
  accept: string;
}) {
  const id = useId();
  const [opening, setOpening] = useState(false);
  const [openError, setOpenError] = useState<string | null>(null);
  const openInEditor = async () => {
    if (!draft.fileId) {
      onChange({ ...draft, mode: "editor" });
      return;
    }
    setOpening(true);
    setOpenError(null);
    const r = await loadProgramAction(draft.fileId);
    setOpening(false);
    if (!r.ok) {
      setOpenError(r.message);
      return;
    }
    onChange({
      mode: "editor",
      fileId: draft.fileId,
      name: r.program.name,
      source: r.program.source,
      // Unchanged, it is the Drive file itself: nothing new is saved.
      saved: { id: r.program.id, source: r.program.source, name: r.program.name },
    });
  };
  const unsaved = draft.mode === "editor" && draft.source !== draft.saved?.source;
  return (
    <div className="grid gap-2" data-testid={`program-${role}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="text-sm font-medium">{label}</span>
        <div role="radiogroup" aria-label={`${label}: source`} className="flex gap-1">
          {(
            [
              ["editor", "Write in editor", Code2],
              ["drive", "File from Drive", FileText],
            ] as const
          ).map(([mode, text, Icon]) => (
            <button
              key={mode}
              type="button"
              role="radio"
              aria-checked={draft.mode === mode}
              onClick={() =>
                mode === "editor" ? void openInEditor() : onChange({ ...draft, mode })
              }
              className={cn(
                "inline-flex items-center gap-1 rounded-md border px-2 py-1 text-xs transition-colors hover:bg-muted/50",
                draft.mode === mode && "border-primary bg-primary/10 font-medium",
              )}
            >
              <Icon className="size-3.5" aria-hidden />
              {text}
            </button>
          ))}
        </div>
      </div>
      {hint && <p className="-mt-1 text-xs text-muted-foreground">{hint}</p>}
      {opening && <p className="text-xs text-muted-foreground">Opening the file…</p>}
      {openError && <Alert>{openError}</Alert>}
      {draft.mode === "drive" ? (
        <FilePicker
          name={role}
          label={`${label}: file`}
          files={files}
          folders={folders}
          uploadFolderId={uploadFolderId}
          onUploaded={onUploaded}
          onUploadingChange={onUploadingChange}
          value={draft.fileId ? [draft.fileId] : []}
          onChange={(ids) => onChange({ ...draft, fileId: ids[0] ?? null })}
          multiple={false}
          errors={errors}
          accept={accept}
          filter="programs"
        />
      ) : (
        <div className="grid gap-2">
          {/* The saved file's id travels with the form; the form saves first if needed. */}
          {draft.saved && !unsaved && <input type="hidden" name={role} value={draft.saved.id} />}
          <div className="grid gap-1.5 sm:max-w-xs">
            <Label htmlFor={`${id}-name`}>File name</Label>
            <Input
              id={`${id}-name`}
              value={draft.name}
              onChange={(e) => onChange({ ...draft, name: e.target.value })}
              placeholder={`${role === "combinerFile" ? "combiner" : role}.py`}
              aria-describedby={`${id}-lang`}
              spellCheck={false}
            />
            <p id={`${id}-lang`} className="text-xs text-muted-foreground">
              {languageOf(draft.name) === "python"
                ? "Python 3 (.py). Python 2 code (print x, xrange) does not run."
                : languageOf(draft.name) === "javascript"
                  ? "JavaScript (Node)."
                  : "Any other program needs a #! line naming its interpreter."}
            </p>
          </div>
          <CodeEditor
            value={draft.source}
            onChange={(source) => onChange({ ...draft, source })}
            language={languageOf(draft.name)}
            label={`${label} code`}
          />
          <p className="text-xs text-muted-foreground" data-testid={`${role}-save-state`}>
            {draft.source.trim() === ""
              ? role === "reducer"
                ? "Empty: the job is map-only."
                : "Write the program above."
              : unsaved
                ? "Saved to your Drive as a new file when you run the job."
                : `Runs “${draft.saved?.name}” from your Drive.`}
          </p>
          {errors?.length ? <p className="text-xs text-destructive">{errors.join(" ")}</p> : null}
        </div>
      )}
    </div>
  );
}
