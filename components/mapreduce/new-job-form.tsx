"use client";

import { LoaderCircle, Play } from "lucide-react";
import {
  startTransition,
  useActionState,
  useCallback,
  useMemo,
  useState,
  useSyncExternalStore,
  type FormEvent,
} from "react";
import { FormField } from "@/components/form-field";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { Select as UiSelect } from "@/components/ui/select";
import { saveProgramAction, submitJobAction } from "@/lib/mapreduce/actions";
import { BUILTIN_DOCS } from "@/lib/mapreduce/catalog";
import type { PickableFile, PickableFolder } from "@/lib/mapreduce/files";
import {
  JOB_KINDS,
  type JobKindChoice,
  type NewJobInput,
  type NewJobState,
} from "@/lib/mapreduce/form-schemas";
import { cn } from "@/lib/utils";
import { DryRunPanel } from "./dry-run-panel";
import { FilePicker, folderPath } from "./file-picker";
import {
  draftFromFile,
  draftFromText,
  draftHasProgram,
  ProgramField,
  type ProgramDraft,
} from "./program-field";
import { MAPPER_TEMPLATE, REDUCER_TEMPLATE } from "./program-templates";

// The new-job form (and Clone and edit, which starts from an earlier job's values). Fields that do
// not apply to the chosen job are not rendered, so they are not submitted either.

const KIND_LABEL: Record<JobKindChoice, string> = {
  "word-count": BUILTIN_DOCS["word-count"].title,
  "inverted-index": BUILTIN_DOCS["inverted-index"].title,
  grep: BUILTIN_DOCS.grep.title,
  "top-n": BUILTIN_DOCS["top-n"].title,
  distinct: BUILTIN_DOCS.distinct.title,
  join: BUILTIN_DOCS.join.title,
  user: "Your own programs",
};

const PROGRAMS = ".py,.js,.mjs,.cjs,.sh,.pl,.rb,text/*";

function Select({
  name,
  label,
  value,
  onChange,
  options,
  errors,
  hint,
}: {
  name: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: { value: string; label: string; disabled?: boolean }[];
  errors?: string[];
  hint?: string;
}) {
  const id = `field-${name}`;
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      <UiSelect
        id={id}
        name={name}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className="w-full"
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? `${id}-error` : hint ? `${id}-hint` : undefined}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
      </UiSelect>
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          {hint}
        </p>
      )}
      {errors?.length ? (
        <p id={`${id}-error`} className="text-xs text-destructive">
          {errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

const SEPARATORS = [
  { value: "tab", label: "Tab" },
  { value: ",", label: "Comma (,)" },
  { value: ";", label: "Semicolon (;)" },
  { value: "|", label: "Pipe (|)" },
  { value: " ", label: "Space" },
];

const subscribeNothing = () => () => {};

export function NewJobForm({
  files: initialFiles,
  folders,
  initial,
  emr,
  preselected = [],
}: {
  files: PickableFile[];
  folders: PickableFolder[];
  initial: NewJobInput | null;
  emr: { available: boolean; kinds: string[] };
  /** Input file ids chosen before the form opened (Drive's "Use in MapReduce", ?input=). */
  preselected?: string[];
}) {
  const [state, action, pending] = useActionState<NewJobState, FormData>(submitJobAction, {});
  // True once hydrated: a choice made before that (a fast hand, a test) is reset by hydration.
  const hydrated = useSyncExternalStore(
    subscribeNothing,
    () => true,
    () => false,
  );
  const [files, setFiles] = useState(initialFiles);
  const [kind, setKind] = useState<JobKindChoice>(initial?.kind ?? "word-count");
  const [inputs, setInputs] = useState<string[]>(initial?.inputs ?? preselected);
  const [rightInputs, setRightInputs] = useState<string[]>(initial?.rightInputs ?? []);
  // A new job starts with the textbook's word count in the editor; a clone with its files.
  const [mapper, setMapper] = useState<ProgramDraft>(
    initial ? draftFromFile(initial.mapper ?? null) : draftFromText("mapper.py", MAPPER_TEMPLATE),
  );
  const [reducer, setReducer] = useState<ProgramDraft>(
    initial
      ? draftFromFile(initial.reducer ?? null)
      : draftFromText("reducer.py", REDUCER_TEMPLATE),
  );
  const [combinerFile, setCombinerFile] = useState<ProgramDraft>(
    draftFromFile(initial?.combinerFile ?? null),
  );
  // Where uploads from this form and programs saved from the editor go.
  const [uploadFolderId, setUploadFolderId] = useState<string | null>(null);
  const folderById = useMemo(() => new Map(folders.map((f) => [f.id, f])), [folders]);
  const folderOptions = useMemo(
    () =>
      [
        { value: "", label: "My Drive" },
        ...folders.map((f) => ({ value: f.id, label: folderPath(folderById, f.id) })),
      ].sort((a, b) => (a.value === "" ? -1 : b.value === "" ? 1 : a.label.localeCompare(b.label))),
    [folders, folderById],
  );
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [combiner, setCombiner] = useState<string>(initial?.combiner ?? "reducer");
  const [separator, setSeparator] = useState(initial?.separator ?? "tab");
  const [target, setTarget] = useState<string>(initial?.target ?? "local");
  const errors = state.errors ?? {};
  // Files still uploading, per picker: the job runs on stored files only, so Run job waits.
  const [uploadingBy, setUploadingBy] = useState<Record<string, number>>({});
  const uploadingChange = useCallback(
    (name: string, count: number) =>
      setUploadingBy((all) => (all[name] === count ? all : { ...all, [name]: count })),
    [],
  );
  const uploading = Object.values(uploadingBy).reduce((a, b) => a + b, 0);
  const uploaded = useCallback(
    (f: PickableFile) => setFiles((all) => (all.some((x) => x.id === f.id) ? all : [f, ...all])),
    [],
  );
  const doc = kind === "user" ? null : BUILTIN_DOCS[kind];
  const combinerOptions =
    kind === "user"
      ? [
          { value: "none", label: "None" },
          { value: "reducer", label: "Same as the reducer" },
          { value: "upload", label: "A separate program" },
        ]
      : [
          {
            value: "reducer",
            label: doc?.combiner ? "The job's combiner" : "None (this job has none)",
          },
          { value: "none", label: "None" },
        ];
  const emrOk = emr.available && (kind === "user" || emr.kinds.includes(kind));

  // Programs written in the editor are saved to the Drive first (unless saved as they are), and
  // the job runs those files, as it runs uploaded ones.
  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    if (kind !== "user") return;
    const roles = [
      ["mapper", mapper, setMapper],
      ["reducer", reducer, setReducer],
      ...(combiner === "upload" ? [["combinerFile", combinerFile, setCombinerFile] as const] : []),
    ] as const;
    const toSave = roles.filter(
      ([, d]) => d.mode === "editor" && draftHasProgram(d) && d.source !== d.saved?.source,
    );
    if (toSave.length === 0) return;
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    setSaving(true);
    setSaveError(null);
    // Out of the submit event first: a server action started inside it schedules a transition,
    // which makes React start the form's own (empty) action transition too, and the save never
    // gets sent.
    await Promise.resolve();
    try {
      for (const [role, d, set] of toSave) {
        const r = await saveProgramAction({
          name: d.name.trim(),
          source: d.source,
          folderId: uploadFolderId,
        });
        if (!r.ok) {
          setSaveError(
            `The ${role === "combinerFile" ? "combiner" : role} could not be saved: ${r.message}`,
          );
          return;
        }
        const f = r.file;
        uploaded({
          id: f.id,
          name: f.name,
          size: f.size,
          updatedAt: new Date().toISOString(),
          folderId: f.folderId,
          contentType: "text/plain; charset=utf-8",
        });
        set({ ...d, saved: { id: f.id, name: f.name, source: d.source } });
        data.set(role, f.id);
      }
    } finally {
      setSaving(false);
    }
    startTransition(() => action(data));
  };

  return (
    <form
      action={action}
      onSubmit={(e) => void onSubmit(e)}
      className="grid gap-6"
      noValidate
      data-hydrated={hydrated ? "true" : "false"}
    >
      {state.message && !state.ok && <Alert>{state.message}</Alert>}
      {saveError && <Alert>{saveError}</Alert>}
      <input type="hidden" name="kind" value={kind} />

      <section className="grid gap-3 rounded-lg border bg-card p-4" aria-labelledby="job-heading">
        <h2 id="job-heading" className="font-medium">
          Job
        </h2>
        <div role="radiogroup" aria-label="Job" className="grid grid-cols-2 gap-2 md:grid-cols-4">
          {JOB_KINDS.map((k) => (
            <button
              key={k}
              type="button"
              role="radio"
              aria-checked={kind === k}
              onClick={() => {
                setKind(k);
                if (k !== "user" && combiner === "upload") setCombiner("reducer");
              }}
              className={cn(
                "rounded-md border px-3 py-2 text-left text-sm transition-colors hover:bg-muted/50",
                kind === k && "border-primary bg-primary/10 font-medium",
              )}
            >
              {KIND_LABEL[k]}
            </button>
          ))}
        </div>
        {doc ? (
          <div className="grid gap-1 text-sm">
            <p>{doc.summary}</p>
            <p className="text-muted-foreground">
              <span className="font-medium text-foreground">Output: </span>
              {doc.output}
            </p>
          </div>
        ) : (
          <p className="text-sm">
            Hadoop streaming: your mapper and reducer read lines on stdin and write{" "}
            <code>key&lt;TAB&gt;value</code> lines on stdout; the reducer gets its input sorted by
            key (byte order). Python 3 (<code>.py</code>), JavaScript (<code>.js</code>) or any
            script with a <code>#!</code> line. Programs run sandboxed: no network, no files outside
            the task, limited CPU, memory and time. The same files run unchanged with{" "}
            <code>hadoop-streaming -files … -mapper … -reducer …</code>.
          </p>
        )}
        <FormField
          name="name"
          label="Name (optional)"
          defaultValue={initial?.name ?? ""}
          placeholder={KIND_LABEL[kind]}
          maxLength={120}
          errors={errors.name}
        />
        {kind === "grep" && (
          <div className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end">
            <FormField
              name="pattern"
              label="Regular expression"
              defaultValue={initial?.pattern ?? ""}
              placeholder="e.g. \bfox\w*"
              errors={errors.pattern}
              hint="JavaScript syntax, Unicode mode."
              required
            />
            <label className="flex items-center gap-2 pb-2 text-sm">
              <input
                type="checkbox"
                name="ignoreCase"
                defaultChecked={initial?.ignoreCase ?? false}
              />
              Ignore case
            </label>
          </div>
        )}
        {kind === "top-n" && (
          <FormField
            name="n"
            label="How many words (N)"
            type="number"
            min={1}
            max={10000}
            defaultValue={initial?.n ?? "10"}
            errors={errors.n}
          />
        )}
        {(kind === "distinct" || kind === "join") && (
          <div className="grid gap-3 sm:grid-cols-3">
            {kind === "distinct" ? (
              <FormField
                name="column"
                label="Column"
                type="number"
                min={1}
                defaultValue={initial?.column ?? "1"}
                errors={errors.column}
                hint="Numbered from 1."
              />
            ) : (
              <>
                <FormField
                  name="leftColumn"
                  label="Key column (left)"
                  type="number"
                  min={1}
                  defaultValue={initial?.leftColumn ?? "1"}
                  errors={errors.leftColumn}
                />
                <FormField
                  name="rightColumn"
                  label="Key column (right)"
                  type="number"
                  min={1}
                  defaultValue={initial?.rightColumn ?? "1"}
                  errors={errors.rightColumn}
                />
              </>
            )}
            <Select
              name="separator"
              label="Separator"
              value={separator}
              onChange={setSeparator}
              options={SEPARATORS}
              errors={errors.separator}
            />
          </div>
        )}
      </section>

      <section className="grid gap-4 rounded-lg border bg-card p-4" aria-labelledby="data-heading">
        <div className="flex flex-wrap items-end justify-between gap-2">
          <h2 id="data-heading" className="font-medium">
            Data
          </h2>
          <div className="w-full sm:w-72">
            <Select
              name="uploadFolder"
              label="Uploads and saved programs go to"
              value={uploadFolderId ?? ""}
              onChange={(v) => setUploadFolderId(v === "" ? null : v)}
              options={folderOptions}
            />
          </div>
        </div>
        <FilePicker
          name="inputs"
          label={kind === "join" ? "Left input files" : "Input files"}
          hint="Text files from your Drive; big files are split into 16–64 MiB tasks."
          files={files}
          folders={folders}
          uploadFolderId={uploadFolderId}
          onUploaded={uploaded}
          onUploadingChange={uploadingChange}
          value={inputs}
          onChange={setInputs}
          errors={errors.inputs}
        />
        {kind === "join" && (
          <FilePicker
            name="rightInputs"
            label="Right input files"
            files={files}
            folders={folders}
            uploadFolderId={uploadFolderId}
            onUploaded={uploaded}
            onUploadingChange={uploadingChange}
            value={rightInputs}
            onChange={setRightInputs}
            errors={errors.rightInputs}
          />
        )}
      </section>

      {kind === "user" && (
        <section
          className="grid gap-4 rounded-lg border bg-card p-4"
          aria-labelledby="programs-heading"
        >
          <h2 id="programs-heading" className="font-medium">
            Programs
          </h2>
          <ProgramField
            role="mapper"
            label="Mapper"
            draft={mapper}
            onChange={setMapper}
            files={files}
            folders={folders}
            uploadFolderId={uploadFolderId}
            onUploaded={uploaded}
            onUploadingChange={uploadingChange}
            errors={errors.mapper}
            accept={PROGRAMS}
          />
          <ProgramField
            role="reducer"
            label="Reducer (optional)"
            hint="Without a reducer the job is map-only: the mappers' output is the result."
            draft={reducer}
            onChange={setReducer}
            files={files}
            folders={folders}
            uploadFolderId={uploadFolderId}
            onUploaded={uploaded}
            onUploadingChange={uploadingChange}
            errors={errors.reducer}
            accept={PROGRAMS}
          />
        </section>
      )}
      {kind === "user" && (
        <DryRunPanel inputs={inputs} files={files} mapper={mapper} reducer={reducer} />
      )}

      <section
        className="grid gap-4 rounded-lg border bg-card p-4"
        aria-labelledby="options-heading"
      >
        <h2 id="options-heading" className="font-medium">
          Options
        </h2>
        <div className="grid gap-3 sm:grid-cols-3">
          <FormField
            name="reducers"
            label="Reducers"
            type="number"
            min={1}
            max={64}
            defaultValue={initial?.reducers ?? "2"}
            errors={errors.reducers}
            hint={
              doc?.fixedReducers
                ? `This job always uses ${doc.fixedReducers}.`
                : "Output files: one per reducer."
            }
          />
          <Select
            name="combiner"
            label="Combiner"
            value={combiner}
            onChange={setCombiner}
            options={combinerOptions}
            errors={errors.combiner}
          />
          <FormField
            name="taskTimeoutSeconds"
            label="Task timeout (seconds)"
            type="number"
            min={1}
            max={3600}
            defaultValue={initial?.taskTimeoutSeconds ?? "600"}
            errors={errors.taskTimeoutSeconds}
          />
        </div>
        {kind === "user" && combiner === "upload" && (
          <ProgramField
            role="combinerFile"
            label="Combiner program"
            draft={combinerFile}
            onChange={setCombinerFile}
            files={files}
            folders={folders}
            uploadFolderId={uploadFolderId}
            onUploaded={uploaded}
            onUploadingChange={uploadingChange}
            errors={errors.combinerFile}
            accept={PROGRAMS}
          />
        )}
        <Select
          name="target"
          label="Run on"
          value={emrOk ? target : "local"}
          onChange={setTarget}
          options={[
            { value: "local", label: "This server (local engine)" },
            {
              value: "emr",
              label: emr.available
                ? emrOk
                  ? "Amazon EMR (a Hadoop cluster)"
                  : "Amazon EMR — not for this job"
                : "Amazon EMR — not configured",
              disabled: !emrOk,
            },
          ]}
          errors={errors.target}
        />
      </section>

      {errors.form && <Alert>{errors.form.join(" ")}</Alert>}
      <div className="flex flex-col items-stretch gap-2 sm:flex-row sm:items-center sm:justify-end">
        {uploading > 0 && (
          <p className="text-sm text-muted-foreground" role="status" data-testid="run-waits">
            The job can run once {uploading === 1 ? "the upload has" : `${uploading} uploads have`}{" "}
            finished and {uploading === 1 ? "its file is" : "their files are"} in your Drive.
          </p>
        )}
        <Button type="submit" disabled={pending || saving || uploading > 0}>
          {pending || saving || uploading > 0 ? (
            <LoaderCircle className="animate-spin" aria-hidden />
          ) : (
            <Play aria-hidden />
          )}
          {pending
            ? "Submitting…"
            : saving
              ? "Saving programs…"
              : uploading > 0
                ? "Waiting for uploads…"
                : "Run job"}
        </Button>
      </div>
    </form>
  );
}
