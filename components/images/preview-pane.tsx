"use client";

import { CircleAlert, Columns2, Image as ImageIcon, LoaderCircle } from "lucide-react";
import { useEffect, useState } from "react";
import type { Chain } from "@/lib/images/chain";
import { cn } from "@/lib/utils";
import { CHECKER } from "./checker";
import { CompareSlider } from "./compare-slider";
import { CropOverlay, type CropRect } from "./crop-overlay";
import { usePreview } from "./use-preview";

// The editor's big picture: the chain rendered on a downscaled copy, a before/after comparison,
// and — while a crop is being drawn — the image as it is before that crop with the rectangle.

// Shorter on phones, where the preview stays on top while the settings scroll under it.
const FRAME = "h-[36dvh] min-h-56 sm:h-[min(62dvh,640px)]";

export function PreviewPane({
  fileId,
  name,
  chain,
  crop,
}: {
  fileId: string;
  name: string;
  chain: Chain;
  /** Set while the user draws a crop: the steps before it and the rectangle being edited. */
  crop: {
    before: Chain;
    rect: CropRect;
    onChange: (rect: CropRect) => void;
    /** A locked aspect in fractions of the image before the crop; null draws freely. */
    ratio: number | null;
    /** Told the full-resolution size of the image before the crop once it is known. */
    onSourceSize: (size: { width: number; height: number } | null) => void;
  } | null;
}) {
  const [mode, setMode] = useState<"preview" | "compare">("preview");
  const after = usePreview(fileId, chain, { enabled: crop === null });
  const original = usePreview(fileId, [], { enabled: mode === "compare" || crop !== null });
  const cropBase = usePreview(fileId, crop?.before ?? [], { enabled: crop !== null });
  const showing = crop ? cropBase : after;
  const onSourceSize = crop?.onSourceSize;
  const baseWidth = cropBase.size?.width;
  const baseHeight = cropBase.size?.height;
  useEffect(() => {
    if (!onSourceSize) return;
    onSourceSize(baseWidth && baseHeight ? { width: baseWidth, height: baseHeight } : null);
    // The callback changes every render; the size is what matters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [baseWidth, baseHeight, onSourceSize === undefined]);

  return (
    <section aria-label="Preview" className="grid gap-2">
      <div className="flex flex-wrap items-center gap-2">
        <div role="radiogroup" aria-label="View" className="inline-flex rounded-md border p-0.5">
          {(
            [
              ["preview", "Preview", ImageIcon],
              ["compare", "Compare", Columns2],
            ] as const
          ).map(([value, label, Icon]) => (
            <button
              key={value}
              type="button"
              role="radio"
              aria-checked={mode === value}
              disabled={crop !== null}
              onClick={() => setMode(value)}
              className={cn(
                "inline-flex items-center gap-1.5 rounded px-2.5 py-1 text-sm disabled:opacity-50",
                mode === value
                  ? "bg-accent font-medium"
                  : "text-muted-foreground hover:text-foreground",
              )}
            >
              <Icon className="size-4" aria-hidden />
              {label}
            </button>
          ))}
        </div>
        <p
          className="ml-auto flex items-center gap-1.5 text-xs text-muted-foreground"
          aria-live="polite"
        >
          {showing.loading ? (
            <>
              <LoaderCircle className="size-3.5 animate-spin" aria-hidden />
              Updating preview…
            </>
          ) : crop ? (
            "Drag on the image to draw the area to keep"
          ) : (
            "Preview at reduced size"
          )}
        </p>
      </div>

      <div
        className={cn(
          "relative flex items-center justify-center overflow-hidden rounded-lg border",
          CHECKER,
          FRAME,
        )}
      >
        {showing.error && (
          <div
            role="alert"
            data-testid="preview-error"
            className="absolute inset-x-3 top-3 z-30 flex items-start gap-2 rounded-md border border-destructive/40 bg-card px-3 py-2 text-sm text-destructive shadow"
          >
            <CircleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
            {showing.error}
          </div>
        )}
        {!showing.url && !showing.error && (
          <div className="flex flex-col items-center gap-2 text-sm text-muted-foreground">
            <LoaderCircle className="size-6 animate-spin" aria-hidden />
            Rendering {name}…
          </div>
        )}
        {showing.url && crop && (
          <div className="relative max-h-full max-w-full overflow-hidden">
            {/* eslint-disable-next-line @next/next/no-img-element -- an object URL */}
            <img
              src={showing.url}
              alt={`${name} before cropping`}
              className={cn(
                "block max-w-full object-contain",
                "max-h-[36dvh] sm:max-h-[min(62dvh,640px)]",
              )}
              draggable={false}
            />
            <CropOverlay rect={crop.rect} onChange={crop.onChange} ratio={crop.ratio} />
          </div>
        )}
        {showing.url && !crop && mode === "compare" && original.url && (
          <CompareSlider
            before={original.url}
            after={showing.url}
            beforeLabel="Original"
            afterLabel="Edited"
            className="absolute inset-0"
            testId="preview-compare"
          />
        )}
        {showing.url && !crop && (mode === "preview" || !original.url) && (
          // eslint-disable-next-line @next/next/no-img-element -- an object URL
          <img
            src={showing.url}
            alt={`${name} with the filters applied`}
            data-testid="preview-image"
            data-key={showing.key ?? ""}
            className="size-full object-contain"
            draggable={false}
          />
        )}
        {showing.loading && showing.url && (
          <div className="pointer-events-none absolute right-2 bottom-2 z-30 rounded-full bg-background/80 p-1.5 shadow">
            <LoaderCircle className="size-4 animate-spin" aria-hidden />
          </div>
        )}
      </div>
    </section>
  );
}
