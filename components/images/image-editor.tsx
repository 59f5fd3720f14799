"use client";

import { Redo2, Undo2 } from "lucide-react";
import { useState, type ReactNode } from "react";
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
import { ImageChoiceDialog } from "./image-choice-dialog";
import { OutputOptionsForm } from "./output-options";
import { PresetsPanel } from "./presets-panel";
import { PreviewPane } from "./preview-pane";
import { useHistory, useUndoShortcuts } from "./use-history";

// The Image Studio editor: the preview on the left (on top on small screens), the chain, output
// options, presets and Apply beside it. Chain and output share one undo history.

type EditorState = { chain: Chain; output: OutputOptions };
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
  const history = useHistory<EditorState>({ chain: [], output: DEFAULT_OUTPUT });
  const { chain, output } = history.value;
  useUndoShortcuts(history.undo, history.redo);

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
  const crop = cropStep
    ? {
        before: chain.slice(0, cropIndex),
        rect: cropStep,
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

      {/* One column on small screens (preview, settings, Apply); on wide ones the settings sit
          beside the preview and Apply under it. */}
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_20rem] lg:grid-rows-[auto_1fr]">
        <div className="min-w-0 lg:col-start-1 lg:row-start-1">
          <PreviewPane fileId={image.id} name={image.name} chain={chain} crop={crop} />
        </div>
        <div className="grid content-start gap-4 lg:col-start-2 lg:row-span-2 lg:row-start-1">
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
        <div className="min-w-0 content-start lg:col-start-1 lg:row-start-2">
          <ApplyPanel fileId={image.id} chain={chain} output={output} initialJob={initialJob} />
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
