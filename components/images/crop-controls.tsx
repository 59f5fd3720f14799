"use client";

import { useState } from "react";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { cn } from "@/lib/utils";
import type { CropRect } from "./crop-overlay";

// Aspect presets and exact pixel values for a crop step. The step stores fractions of the image
// (the same region at any resolution); here they are shown and typed as pixels of the image as
// it is before the crop (full resolution, from the preview's size headers).

export const ASPECTS = [
  { key: "free", label: "Free", ratio: null },
  { key: "1:1", label: "1:1", ratio: 1 },
  { key: "4:3", label: "4:3", ratio: 4 / 3 },
  { key: "16:9", label: "16:9", ratio: 16 / 9 },
] as const;
export type AspectKey = (typeof ASPECTS)[number]["key"];
export type Size = { width: number; height: number };

export const aspectRatio = (key: AspectKey) => ASPECTS.find((a) => a.key === key)?.ratio ?? null;

const round6 = (n: number) => Math.round(n * 1_000_000) / 1_000_000;
const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

/** The pixel ratio as a ratio of fractions of this image (what the overlay draws with). */
export function fractionRatio(ratio: number, source: Size): number {
  return (ratio * source.height) / source.width;
}

/** The largest centred rectangle of `ratio` (width ÷ height in pixels) inside the image. */
export function centredAspect(ratio: number, source: Size): CropRect {
  const r = fractionRatio(ratio, source);
  const width = r >= 1 ? 1 : r;
  const height = r >= 1 ? 1 / r : 1;
  return {
    left: round6((1 - width) / 2),
    top: round6((1 - height) / 2),
    width: round6(width),
    height: round6(height),
  };
}

type Px = { x: number; y: number; w: number; h: number };

export function toPixels(rect: CropRect, source: Size): Px {
  return {
    x: Math.round(rect.left * source.width),
    y: Math.round(rect.top * source.height),
    w: Math.max(1, Math.round(rect.width * source.width)),
    h: Math.max(1, Math.round(rect.height * source.height)),
  };
}

/** Pixels typed by the user back to a rectangle inside the image, keeping the aspect if locked. */
export function fromPixels(
  px: Px,
  changed: keyof Px,
  source: Size,
  ratio: number | null,
): CropRect {
  let { x, y, w, h } = px;
  x = clamp(Math.round(x), 0, source.width - 1);
  y = clamp(Math.round(y), 0, source.height - 1);
  w = clamp(Math.round(w), 1, source.width - x);
  h = clamp(Math.round(h), 1, source.height - y);
  if (ratio) {
    if (changed === "h") w = Math.round(h * ratio);
    else h = Math.round(w / ratio);
    // Locked to a ratio, a side that no longer fits shrinks both.
    if (x + w > source.width) {
      w = source.width - x;
      h = Math.round(w / ratio);
    }
    if (y + h > source.height) {
      h = source.height - y;
      w = Math.round(h * ratio);
    }
  }
  return {
    left: round6(x / source.width),
    top: round6(y / source.height),
    width: round6(Math.max(1, w) / source.width),
    height: round6(Math.max(1, h) / source.height),
  };
}

function PxField({
  id,
  label,
  value,
  onCommit,
}: {
  id: string;
  label: string;
  value: number;
  onCommit: (n: number) => void;
}) {
  // While focused the text is kept as typed; a number is committed as soon as it is one.
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <div className="grid gap-1">
      <Label htmlFor={id} className="text-xs">
        {label}
      </Label>
      <Input
        id={id}
        type="number"
        inputMode="numeric"
        min={0}
        step={1}
        value={editing ?? String(value)}
        className="h-8 px-2 tabular-nums"
        onFocus={() => setEditing(String(value))}
        onBlur={() => setEditing(null)}
        onChange={(e) => {
          setEditing(e.target.value);
          const n = Number(e.target.value);
          if (e.target.value.trim() !== "" && Number.isFinite(n) && n >= 0) onCommit(n);
        }}
      />
    </div>
  );
}

export function CropControls({
  stepId,
  rect,
  source,
  aspect,
  onAspect,
  onChange,
}: {
  stepId: string;
  rect: CropRect;
  source: Size | null;
  aspect: AspectKey;
  onAspect: (key: AspectKey) => void;
  onChange: (rect: CropRect) => void;
}) {
  const px = source ? toPixels(rect, source) : null;
  const ratio = aspectRatio(aspect);
  const set = (changed: keyof Px) => (n: number) => {
    if (!source || !px) return;
    onChange(fromPixels({ ...px, [changed]: n }, changed, source, ratio));
  };
  return (
    <div className="grid gap-3" data-testid="crop-controls">
      <div role="radiogroup" aria-label="Aspect ratio" className="flex flex-wrap gap-1">
        {ASPECTS.map((a) => (
          <button
            key={a.key}
            type="button"
            role="radio"
            aria-checked={aspect === a.key}
            disabled={a.ratio !== null && !source}
            onClick={() => {
              onAspect(a.key);
              if (a.ratio !== null && source) onChange(centredAspect(a.ratio, source));
            }}
            className={cn(
              "rounded-md border px-2.5 py-1 text-xs tabular-nums disabled:opacity-50",
              aspect === a.key
                ? "border-primary bg-primary/10 font-medium text-foreground"
                : "text-muted-foreground hover:text-foreground",
            )}
          >
            {a.label}
          </button>
        ))}
      </div>
      {source && px ? (
        <>
          <div className="grid grid-cols-2 gap-2">
            <PxField id={`${stepId}-x`} label="X" value={px.x} onCommit={set("x")} />
            <PxField id={`${stepId}-y`} label="Y" value={px.y} onCommit={set("y")} />
            <PxField id={`${stepId}-w`} label="Width" value={px.w} onCommit={set("w")} />
            <PxField id={`${stepId}-h`} label="Height" value={px.h} onCommit={set("h")} />
          </div>
          <p className="text-xs text-muted-foreground" data-testid="crop-size">
            Keeps {px.w} × {px.h} px of {source.width} × {source.height} px
          </p>
        </>
      ) : (
        <p className="text-xs text-muted-foreground">
          Draw on the image to see the crop in pixels.
        </p>
      )}
    </div>
  );
}
