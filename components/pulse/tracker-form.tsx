"use client";

import Link from "next/link";
import { startTransition, useActionState, useState, type FormEvent } from "react";
import { FormField } from "@/components/form-field";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import type { TrackerFormState } from "@/lib/pulse/actions";
import type { TrackerDto } from "@/lib/pulse/schemas";
import type { ReplaySample } from "@/lib/pulse/trackers";
import type { SourceKind } from "@/lib/pulse/types";
import { cn } from "@/lib/utils";

// New and edit tracker. Tokens are write-only: the page only knows whether one is stored, and a
// blank field keeps it. Submitting through onSubmit keeps what was typed when the server refuses.

const SOURCES: { kind: SourceKind; name: string; hint: string }[] = [
  {
    kind: "jetstream",
    name: "Bluesky (Jetstream)",
    hint: "Free, no key: every public post, matched here.",
  },
  {
    kind: "mastodon",
    name: "Mastodon",
    hint: "Your instance's hashtag streams; needs an access token.",
  },
  { kind: "x", name: "X", hint: "The v2 filtered stream; needs a bearer token (paid API)." },
  { kind: "replay", name: "Replay a file", hint: "Play NDJSON or CSV posts from your Drive." },
];

const SPEEDS = [
  { value: "1", label: "1×" },
  { value: "10", label: "10×" },
  { value: "max", label: "As fast as possible" },
];

const fieldClass =
  "w-full rounded-md border border-input bg-card px-3 py-2 text-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring aria-invalid:border-destructive";

function Errors({ id, errors }: { id: string; errors?: string[] }) {
  return errors?.length ? (
    <p id={id} className="text-xs text-destructive">
      {errors.join(" ")}
    </p>
  ) : null;
}

// What was read from a refused replay file, so the user sees why it has no posts.
function ReplaySampleView({ sample }: { sample: ReplaySample }) {
  return (
    <div className="grid gap-1 text-xs" data-testid="replay-sample">
      <p className="text-muted-foreground">
        {sample.columns.length > 0 ? (
          <>
            Columns read:{" "}
            {sample.columns.map((c, i) => (
              <span key={i}>
                {i > 0 && ", "}
                <code className="rounded bg-muted px-1">{c || "(blank)"}</code>
              </span>
            ))}
          </>
        ) : (
          "No columns could be read."
        )}
      </p>
      {sample.rows.length > 0 && (
        <>
          <p className="text-muted-foreground">First rows:</p>
          <pre className="max-h-40 overflow-auto whitespace-pre-wrap break-all rounded-md border bg-muted/50 p-2 font-mono">
            {sample.rows.join("\n")}
          </pre>
        </>
      )}
    </div>
  );
}

// What a replay file must hold, with samples to download and start from.
function ReplayFormatHelp() {
  return (
    <details className="text-xs sm:col-span-2" data-testid="replay-format">
      <summary className="cursor-pointer font-medium">File format</summary>
      <div className="mt-2 grid gap-2 text-muted-foreground">
        <p>
          NDJSON (one JSON object per line) or CSV with a header row, optionally gzipped (.gz). Each
          row is one post:
        </p>
        <ul className="grid gap-1 pl-4 [list-style:disc]">
          <li>
            <code className="rounded bg-muted px-1">text</code> (required; or content, body,
            full_text, message)
          </li>
          <li>
            <code className="rounded bg-muted px-1">time</code> (required; or created_at, timestamp,
            date): ISO 8601 such as 2026-11-26T10:00:00Z, or epoch seconds
          </li>
          <li>
            <code className="rounded bg-muted px-1">id</code>,{" "}
            <code className="rounded bg-muted px-1">author</code>,{" "}
            <code className="rounded bg-muted px-1">lang</code> (optional; a row without an id is
            identified by its content)
          </li>
        </ul>
        <p>
          Download a sample:{" "}
          <a className="underline" href="/api/pulse/replay-sample?format=ndjson" download>
            NDJSON
          </a>{" "}
          ·{" "}
          <a className="underline" href="/api/pulse/replay-sample?format=csv" download>
            CSV
          </a>
          . Upload it to Drive, then pick it here.
        </p>
      </div>
    </details>
  );
}

export function TrackerForm({
  action,
  tracker,
  replayFiles,
  submitLabel,
}: {
  action: (prev: TrackerFormState, formData: FormData) => Promise<TrackerFormState>;
  tracker?: TrackerDto;
  replayFiles: { id: string; name: string }[];
  submitLabel: string;
}) {
  const [state, formAction, pending] = useActionState<TrackerFormState, FormData>(action, {});
  const [sources, setSources] = useState<SourceKind[]>(tracker?.sources ?? []);
  const e = state.errors ?? {};
  const uses = (s: SourceKind) => sources.includes(s);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => formAction(data));
  }

  return (
    <form onSubmit={onSubmit} className="grid gap-5" noValidate>
      {state.message && <Alert variant={state.ok ? "success" : "error"}>{state.message}</Alert>}
      <FormField
        name="name"
        label="Name"
        defaultValue={tracker?.name}
        maxLength={100}
        required
        errors={e.name}
      />
      <div className="grid gap-1.5">
        <Label htmlFor="field-keywords">Keywords</Label>
        <textarea
          id="field-keywords"
          name="keywords"
          rows={3}
          defaultValue={tracker?.keywords.join("\n")}
          className={fieldClass}
          aria-invalid={e.keywords ? true : undefined}
          aria-describedby="keywords-hint keywords-error"
          placeholder={'climate\nglobal warming\n"carbon tax" AND (policy OR vote) NOT hoax'}
        />
        <p id="keywords-hint" className="text-xs text-muted-foreground">
          One per line or separated by commas; a post matches when any line does. Whole words, any
          case; words side by side are a phrase. A line may combine terms with{" "}
          <code className="rounded bg-muted px-1">AND</code>,{" "}
          <code className="rounded bg-muted px-1">OR</code>,{" "}
          <code className="rounded bg-muted px-1">NOT</code> (upper case),{" "}
          <code className="rounded bg-muted px-1">&quot;quoted phrases&quot;</code> and{" "}
          <code className="rounded bg-muted px-1">( )</code>.
        </p>
        <Errors id="keywords-error" errors={e.keywords} />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField
          name="hashtags"
          label="Hashtags"
          defaultValue={tracker?.hashtags.map((h) => `#${h}`).join(", ")}
          placeholder="#climate, #energy"
          hint="Posts with any of these tags match too."
          errors={e.hashtags}
        />
        <FormField
          name="languages"
          label="Languages"
          defaultValue={tracker?.languages.join(", ")}
          placeholder="en, de"
          hint="Leave empty for any language. Only English posts are scored."
          errors={e.languages}
        />
      </div>

      <fieldset className="grid gap-3">
        <legend className="mb-2 text-sm font-medium">Sources</legend>
        {SOURCES.map((s) => (
          <div
            key={s.kind}
            className={cn("rounded-md border p-3", uses(s.kind) && "border-primary/60")}
          >
            <label className="flex items-start gap-2">
              <input
                type="checkbox"
                name="sources"
                value={s.kind}
                checked={uses(s.kind)}
                onChange={(ev) =>
                  setSources((cur) =>
                    ev.target.checked ? [...cur, s.kind] : cur.filter((k) => k !== s.kind),
                  )
                }
                className="mt-1 size-4 accent-[var(--primary)]"
              />
              <span>
                <span className="text-sm font-medium">{s.name}</span>
                <span className="block text-xs text-muted-foreground">{s.hint}</span>
              </span>
            </label>
            {s.kind === "mastodon" && uses("mastodon") && (
              <div className="mt-3 grid gap-3 sm:grid-cols-2">
                <FormField
                  name="mastodonInstance"
                  label="Instance"
                  type="url"
                  defaultValue={tracker?.mastodonInstance ?? ""}
                  placeholder="https://mastodon.social"
                  errors={e.mastodonInstance}
                />
                <FormField
                  name="mastodonToken"
                  label="Access token"
                  type="password"
                  autoComplete="off"
                  placeholder={tracker?.hasMastodonToken ? "Saved — leave blank to keep" : ""}
                  hint={tracker?.hasMastodonToken ? "A token is saved (encrypted)." : undefined}
                  errors={e.mastodonToken}
                />
              </div>
            )}
            {s.kind === "x" && uses("x") && (
              <div className="mt-3">
                <FormField
                  name="xToken"
                  label="Bearer token"
                  type="password"
                  autoComplete="off"
                  placeholder={tracker?.hasXToken ? "Saved — leave blank to keep" : ""}
                  hint={tracker?.hasXToken ? "A token is saved (encrypted)." : undefined}
                  errors={e.xToken}
                />
              </div>
            )}
            {s.kind === "replay" && uses("replay") && (
              <div className="mt-3 grid gap-3 sm:grid-cols-2">
                <div className="grid gap-1.5">
                  <Label htmlFor="field-replayFileId">File</Label>
                  {replayFiles.length === 0 ? (
                    <p className="text-sm text-muted-foreground" id="field-replayFileId">
                      No NDJSON or CSV files in your Drive yet.{" "}
                      <Link href="/drive" className="underline">
                        Upload one
                      </Link>{" "}
                      (one post per line: text, time, optional id, author, lang).
                    </p>
                  ) : (
                    <Select
                      id="field-replayFileId"
                      name="replayFileId"
                      defaultValue={tracker?.replayFileId ?? replayFiles[0]?.id}
                      className="w-full"
                      aria-invalid={e.replayFileId ? true : undefined}
                    >
                      {replayFiles.map((f) => (
                        <option key={f.id} value={f.id}>
                          {f.name}
                        </option>
                      ))}
                    </Select>
                  )}
                  <Errors id="replayFileId-error" errors={e.replayFileId} />
                  {e.replayFileId && state.replaySample && (
                    <ReplaySampleView sample={state.replaySample} />
                  )}
                </div>
                <ReplayFormatHelp />
                <fieldset className="grid content-start gap-1.5 self-start">
                  <legend className="mb-1.5 text-sm font-medium">Speed</legend>
                  <div className="flex flex-wrap gap-3">
                    {SPEEDS.map((sp) => (
                      <label key={sp.value} className="flex items-center gap-1.5 text-sm">
                        <input
                          type="radio"
                          name="replaySpeed"
                          value={sp.value}
                          defaultChecked={(tracker?.replaySpeed ?? "1") === sp.value}
                          className="accent-[var(--primary)]"
                        />
                        {sp.label}
                      </label>
                    ))}
                  </div>
                </fieldset>
              </div>
            )}
          </div>
        ))}
        <Errors id="sources-error" errors={e.sources} />
      </fieldset>

      <div className="grid gap-4 sm:grid-cols-3">
        <div className="grid gap-1.5">
          <Label htmlFor="field-scorer">Sentiment scorer</Label>
          <Select
            id="field-scorer"
            name="scorer"
            defaultValue={tracker?.scorer ?? "model"}
            className="w-full"
          >
            <option value="model">Trained model (8 languages)</option>
            <option value="wink">wink-sentiment (English; emoji, negation)</option>
            <option value="afinn">Plain AFINN (English baseline)</option>
          </Select>
          <Errors id="scorer-error" errors={e.scorer} />
        </div>
        <FormField
          name="retentionDays"
          label="Keep posts for (days)"
          type="number"
          min={1}
          max={365}
          defaultValue={tracker?.retentionDays ?? 7}
          errors={e.retentionDays}
        />
        <FormField
          name="retentionMaxPosts"
          label="Keep at most (posts)"
          type="number"
          min={100}
          max={1_000_000}
          defaultValue={tracker?.retentionMaxPosts ?? 100_000}
          hint="Charts keep their history."
          errors={e.retentionMaxPosts}
        />
      </div>

      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : submitLabel}
        </Button>
        <Button variant="outline" asChild>
          <Link href={tracker ? `/pulse/${tracker.id}` : "/pulse"}>Cancel</Link>
        </Button>
      </div>
    </form>
  );
}
