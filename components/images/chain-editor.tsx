"use client";

import {
  ArrowDown,
  ArrowUp,
  ChevronDown,
  ChevronRight,
  Crop,
  GripVertical,
  ImageIcon,
  Layers,
  Trash2,
} from "lucide-react";
import { useState, type DragEvent, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { stepInfo } from "@/lib/images/catalog";
import type { Chain, ChainStep } from "@/lib/images/chain";
import { cn } from "@/lib/utils";
import { StepFields, type StepChange } from "./step-fields";

// The chain as a list: each step can be dragged by its handle or moved with the arrow buttons,
// switched off and on, opened to tune it, and removed. Every edit produces a new chain for the
// editor's history.

export function moveStep(chain: Chain, from: number, to: number): Chain {
  if (from === to || from < 0 || to < 0 || from >= chain.length || to >= chain.length) return chain;
  const next = [...chain];
  const [moved] = next.splice(from, 1);
  if (moved) next.splice(to, 0, moved);
  return next;
}

export function ChainEditor({
  chain,
  onChange,
  cropStepId,
  onCropMode,
  onPickWatermark,
  watermarkNames,
  open,
  onToggleOpen,
  cropTools,
}: {
  chain: Chain;
  onChange: (chain: Chain, group?: string) => void;
  cropStepId: string | null;
  onCropMode: (stepId: string | null) => void;
  onPickWatermark: (stepId: string) => void;
  watermarkNames: Record<string, string>;
  /** Steps whose settings are shown. */
  open: ReadonlySet<string>;
  onToggleOpen: (stepId: string) => void;
  /** Aspect presets and pixel values, under a crop step while it is being drawn. */
  cropTools?: (step: Extract<ChainStep, { kind: "crop" }>) => ReactNode;
}) {
  const [armed, setArmed] = useState<string | null>(null);
  const [dragging, setDragging] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);

  if (chain.length === 0) {
    return (
      <div className="flex flex-col items-center gap-2 rounded-lg border border-dashed px-4 py-8 text-center">
        <Layers className="size-8 text-muted-foreground" aria-hidden />
        <p className="text-sm font-medium">No filters yet</p>
        <p className="max-w-56 text-xs text-muted-foreground">
          Add a filter to start. Each one works on the result of the one above it.
        </p>
      </div>
    );
  }

  const update: StepChange = (step, group) =>
    onChange(
      chain.map((s) => (s.id === step.id ? step : s)),
      group,
    );

  const onDrop = (e: DragEvent, index: number) => {
    e.preventDefault();
    if (dragging !== null) onChange(moveStep(chain, dragging, index));
    setDragging(null);
    setOver(null);
    setArmed(null);
  };

  return (
    <ol className="grid gap-2" aria-label="Filter chain" data-testid="chain">
      {chain.map((step, index) => {
        const info = stepInfo(step.kind);
        const expanded = open.has(step.id);
        const hasSettings =
          info.numbers.length + info.choices.length + info.colors.length + info.texts.length > 0 ||
          step.kind === "resize" ||
          step.kind === "imageWatermark";
        return (
          <li
            key={step.id}
            data-testid="chain-step"
            data-kind={step.kind}
            draggable={armed === step.id}
            onDragStart={(e) => {
              setDragging(index);
              e.dataTransfer.effectAllowed = "move";
              e.dataTransfer.setData("text/plain", step.id);
            }}
            onDragEnd={() => {
              setDragging(null);
              setOver(null);
              setArmed(null);
            }}
            onDragOver={(e) => {
              if (dragging === null) return;
              e.preventDefault();
              e.dataTransfer.dropEffect = "move";
              setOver(index);
            }}
            onDrop={(e) => onDrop(e, index)}
            className={cn(
              "rounded-lg border bg-card transition-shadow",
              dragging === index && "opacity-50",
              over === index && dragging !== null && dragging !== index && "ring-2 ring-primary",
              cropStepId === step.id && "border-primary",
            )}
          >
            <div className="flex items-center gap-1 px-1.5 py-1.5">
              <span
                className="flex size-7 shrink-0 cursor-grab items-center justify-center rounded text-muted-foreground hover:bg-accent active:cursor-grabbing"
                onPointerDown={() => setArmed(step.id)}
                onPointerUp={() => setArmed(null)}
                title="Drag to reorder"
                data-testid="drag-handle"
                aria-hidden
              >
                <GripVertical className="size-4" />
              </span>
              <input
                type="checkbox"
                className="size-4 shrink-0 accent-primary"
                checked={step.enabled}
                onChange={(e) => update({ ...step, enabled: e.target.checked })}
                aria-label={`${info.label} enabled`}
              />
              <button
                type="button"
                className="flex min-w-0 flex-1 items-center gap-1 rounded px-1 py-1 text-left text-sm font-medium hover:bg-accent disabled:hover:bg-transparent"
                onClick={() => onToggleOpen(step.id)}
                disabled={!hasSettings}
                aria-expanded={hasSettings ? expanded : undefined}
              >
                {hasSettings ? (
                  expanded ? (
                    <ChevronDown className="size-4 shrink-0 text-muted-foreground" aria-hidden />
                  ) : (
                    <ChevronRight className="size-4 shrink-0 text-muted-foreground" aria-hidden />
                  )
                ) : (
                  <span className="size-4 shrink-0" />
                )}
                <span
                  className={cn("truncate", !step.enabled && "text-muted-foreground line-through")}
                >
                  {info.label}
                </span>
              </button>
              <Button
                type="button"
                size="icon"
                variant="ghost"
                className="size-7"
                onClick={() => onChange(moveStep(chain, index, index - 1))}
                disabled={index === 0}
                aria-label={`Move ${info.label} up`}
              >
                <ArrowUp />
              </Button>
              <Button
                type="button"
                size="icon"
                variant="ghost"
                className="size-7"
                onClick={() => onChange(moveStep(chain, index, index + 1))}
                disabled={index === chain.length - 1}
                aria-label={`Move ${info.label} down`}
              >
                <ArrowDown />
              </Button>
              <Button
                type="button"
                size="icon"
                variant="ghost"
                className="size-7 hover:text-destructive"
                onClick={() => {
                  if (cropStepId === step.id) onCropMode(null);
                  onChange(chain.filter((s) => s.id !== step.id));
                }}
                aria-label={`Remove ${info.label}`}
              >
                <Trash2 />
              </Button>
            </div>
            {expanded && hasSettings && (
              <div className="border-t px-3 py-3">
                <StepFields step={step} onChange={update} extra={extraFor(step)} />
              </div>
            )}
          </li>
        );
      })}
    </ol>
  );

  function extraFor(step: ChainStep) {
    if (step.kind === "crop") {
      const drawing = cropStepId === step.id;
      return (
        <div className="grid gap-3">
          <Button
            type="button"
            size="sm"
            variant={drawing ? "default" : "outline"}
            onClick={() => onCropMode(drawing ? null : step.id)}
            aria-pressed={drawing}
            className="justify-self-start"
          >
            <Crop aria-hidden />
            {drawing ? "Done drawing" : "Draw on the image"}
          </Button>
          {drawing && cropTools?.(step)}
        </div>
      );
    }
    if (step.kind === "imageWatermark") {
      return (
        <div className="flex items-center gap-2 text-xs">
          <ImageIcon className="size-4 shrink-0 text-muted-foreground" aria-hidden />
          <span className="min-w-0 flex-1 truncate" title={watermarkNames[step.fileId]}>
            {watermarkNames[step.fileId] ?? "An image from your Drive"}
          </span>
          <Button
            type="button"
            size="sm"
            variant="outline"
            onClick={() => onPickWatermark(step.id)}
          >
            Change…
          </Button>
        </div>
      );
    }
    return undefined;
  }
}
