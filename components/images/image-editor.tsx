"use client";

import { History, Redo2, Undo2 } from "lucide-react";
import { useCallback, useState, type ReactNode } from "react";
import { BackHeader } from "@/components/shell/back-header";
import { Button } from "@/components/ui/button";
import { defaultStep, DEFAULT_OUTPUT, stepInfo } from "@/lib/images/catalog";
import type { Chain, ChainStep, OutputOptions, StepKind } from "@/lib/images/chain";
import type { LibraryImage } from "@/lib/images/library";
import type { ImagePresetDto } from "@/lib/images/preset-schemas";
import type { JobView } from "@/lib/jobs/view";
import { AddStepDialog } from "./add-step-dialog";
import { ApplyPanel } from "./apply-panel";
import { ChainEditor } from "./chain-editor";
import {
  aspectRatio,
  CropControls,
  fractionRatio,
  type AspectKey,
  type Size,
} from "./crop-controls";
import { ImageChoiceDialog } from "./image-choice-dialog";
import { OutputOptionsForm } from "./output-options";
import { PresetsPanel } from "./presets-panel";
import { PreviewPane } from "./preview-pane";
import { useDraft } from "./use-draft";
import { useHistory, useUndoShortcuts } from "./use-history";

// The Image Studio editor: the preview on the left (on top on small screens), the chain, output
// options, presets and Apply beside it. Chain and output share one undo history, and are kept as
// a draft in this browser (use-draft.ts). The preview stays in view while the settings scroll:
// the left column is sticky on wide screens, the preview alone (shorter) on phones.

type EditorState = { chain: Chain; output: OutputOptions };
const EMPTY: EditorState = { chain: [], output: DEFAULT_OUTPUT };
type CropStep = Extract<ChainStep, { kind: "crop" }>;

function Panel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-label={title} className="grid gap-3 rounded-lg border bg-card p-3">
      <h2 className="text-sm font-semibold">{title}</h2>
      {children}
    </section>
  );
}

export function ImageEditor({
  image,
  presets,
  initialJob,
}: {
  image: LibraryImage;
  presets: ImagePresetDto[];
  initialJob?: JobView;
}) {
  const history = useHistory<EditorState>(EMPTY);
  const { chain, output } = history.value;
  useUndoShortcuts(history.undo, history.redo);
  const draft = useDraft(image.id, history.value, EMPTY, history.reset);
  const [aspects, setAspects] = useState<Record<string, AspectKey>>({});
  const [cropSource, setCropSource] = useState<Size | null>(null);
  const onSourceSize = useCallback((size: Size | null) => setCropSource(size), []);

  const [open, setOpen] = useState<Set<string>>(() => new Set());
  const [cropStepId, setCropStepId] = useState<string | null>(null);
  const [watermarkFor, setWatermarkFor] = useState<string | "new" | null>(null);
  const [watermarkNames, setWatermarkNames] = useState<Record<string, string>>({});

  const setChain = (next: Chain, group?: string) => history.set({ chain: next, output }, group);
  const openStep = (id: string) => setOpen((prev) => new Set(prev).add(id));

  const add = (kind: StepKind) => {
    if (kind === "imageWatermark") {
      setWatermarkFor("new");
      return;
    }
    const step = defaultStep(kind);
    setChain([...chain, step]);
    const info = stepInfo(kind);
    if (info.numbers.length + info.choices.length + info.colors.length + info.texts.length > 0) {
      openStep(step.id);
    }
    if (kind === "crop") setCropStepId(step.id);
  };

  const chooseWatermark = (picked: LibraryImage) => {
    setWatermarkNames((names) => ({ ...names, [picked.id]: picked.name }));
    if (watermarkFor === "new") {
      const step = defaultStep("imageWatermark", { fileId: picked.id });
      setChain([...chain, step]);
      openStep(step.id);
    } else if (watermarkFor) {
      setChain(
        chain.map((s) =>
          s.id === watermarkFor && s.kind === "imageWatermark" ? { ...s, fileId: picked.id } : s,
        ),
      );
    }
    setWatermarkFor(null);
  };

  // A crop is drawn on the image as the steps before it leave it.
  const cropIndex = chain.findIndex((s) => s.id === cropStepId && s.kind === "crop");
  const cropStep = cropIndex >= 0 ? (chain[cropIndex] as CropStep) : null;
  const cropAspect = cropStep ? (aspects[cropStep.id] ?? "free") : "free";
  const lockedRatio = aspectRatio(cropAspect);
  const crop = cropStep
    ? {
        before: chain.slice(0, cropIndex),
        rect: cropStep,
        ratio: lockedRatio && cropSource ? fractionRatio(lockedRatio, cropSource) : null,
        onSourceSize,
        onChange: (rect: Pick<CropStep, "left" | "top" | "width" | "height">) =>
          setChain(
            chain.map((s) => (s.id === cropStep.id ? { ...cropStep, ...rect } : s)),
            `${cropStep.id}:draw`,
          ),
      }
    : null;

  return (
    <div className="grid gap-4">
      <BackHeader href="/images" back="Images" title={image.name} compact>
        <div className="flex items-center gap-1">
          <Button
            type="button"
            variant="outline"
            size="sm"
            onClick={history.undo}
            disabled={!history.canUndo}
            aria-label="Undo"
            title="Undo (Ctrl+Z)"
          >
            <Undo2 aria-hidden />
            <span className="hidden sm:inline">Undo</span>
          </Button>
          <Button
            type="button"
            variant="outline"
            size="sm"
            onClick={history.redo}
            disabled={!history.canRedo}
            aria-label="Redo"
            title="Redo (Ctrl+Shift+Z)"
          >
            <Redo2 aria-hidden />
            <span className="hidden sm:inline">Redo</span>
          </Button>
        </div>
      </BackHeader>

      {draft.restoredAt !== null && (
        <div
          role="status"
          data-testid="draft-restored"
          className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border bg-card px-3 py-2 text-sm"
        >
          <History className="size-4 shrink-0 text-primary" aria-hidden />
          <span className="min-w-0 flex-[1_1_14rem]">
            Your draft from {new Date(draft.restoredAt).toLocaleString()} is back
            {draft.unsaved ? ", not applied yet." : "."}
          </span>
          <Button
            type="button"
            size="sm"
            variant="ghost"
            onClick={() => {
              history.reset(EMPTY);
              setCropStepId(null);
              draft.dismissRestored();
            }}
          >
            Start over
          </Button>
          <Button type="button" size="sm" variant="ghost" onClick={draft.dismissRestored}>
            Keep
          </Button>
        </div>
      )}

      {/* One column on small screens (preview, settings, Apply); on wide ones the settings sit
          beside the preview and Apply under it, both of which stay in view. */}
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="contents lg:sticky lg:top-20 lg:col-start-1 lg:row-start-1 lg:grid lg:max-h-[calc(100dvh-6rem)] lg:content-start lg:gap-4 lg:self-start lg:overflow-y-auto">
          <div
            className="sticky top-16 z-[5] order-1 min-w-0 bg-background pb-2 lg:static lg:pb-0"
            data-testid="preview-dock"
          >
            <PreviewPane fileId={image.id} name={image.name} chain={chain} crop={crop} />
          </div>
          <div className="order-3 min-w-0">
            <ApplyPanel
              fileId={image.id}
              chain={chain}
              output={output}
              initialJob={initialJob}
              onApplied={draft.markSaved}
            />
          </div>
        </div>
        <div className="order-2 grid content-start gap-4 lg:col-start-2 lg:row-start-1">
          <Panel title="Filters">
            <ChainEditor
              chain={chain}
              onChange={setChain}
              cropStepId={cropStep ? cropStep.id : null}
              onCropMode={setCropStepId}
              onPickWatermark={(id) => setWatermarkFor(id)}
              watermarkNames={watermarkNames}
              open={open}
              onToggleOpen={(id) =>
                setOpen((prev) => {
                  const next = new Set(prev);
                  if (next.has(id)) next.delete(id);
                  else next.add(id);
                  return next;
                })
              }
              cropTools={(step) => (
                <CropControls
                  stepId={step.id}
                  rect={step}
                  source={cropSource}
                  aspect={aspects[step.id] ?? "free"}
                  onAspect={(key) => setAspects((a) => ({ ...a, [step.id]: key }))}
                  onChange={(rect) =>
                    setChain(
                      chain.map((s) => (s.id === step.id ? { ...step, ...rect } : s)),
                      `${step.id}:px`,
                    )
                  }
                />
              )}
            />
            <AddStepDialog fileId={image.id} onAdd={add} />
          </Panel>
          <Panel title="Output">
            <OutputOptionsForm
              value={output}
              onChange={(next, group) => history.set({ chain, output: next }, group)}
            />
          </Panel>
          <Panel title="Presets">
            <PresetsPanel
              initial={presets}
              chain={chain}
              output={output}
              onApply={(preset) => history.set({ chain: preset.chain, output: preset.output })}
            />
          </Panel>
        </div>
      </div>

      <ImageChoiceDialog
        open={watermarkFor !== null}
        onOpenChange={(o) => !o && setWatermarkFor(null)}
        onChoose={chooseWatermark}
        title="Choose a watermark"
        description="Pick an image from your Drive to place over this one: a logo works best as a PNG with transparency."
      />
    </div>
  );
}
