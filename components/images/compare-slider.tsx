"use client";

import { useState, type ReactNode } from "react";
import { cn } from "@/lib/utils";
import { CHECKER } from "./checker";

/**
 * Before/after: the "after" image over the "before" one, cut at a vertical line the user moves
 * (drag anywhere on the image, or the keyboard on the slider). Both are fitted into the same box,
 * so a crop or a rotation still lines up as well as it can.
 */
export function CompareSlider({
  before,
  after,
  beforeLabel = "Before",
  afterLabel = "After",
  className,
  overlay,
  testId,
}: {
  before: string;
  after: string;
  beforeLabel?: string;
  afterLabel?: string;
  className?: string;
  overlay?: ReactNode;
  testId?: string;
}) {
  const [position, setPosition] = useState(50);
  // Keyed by URL, so a new image shows "Loading…" again without an effect resetting state.
  const [loaded, setLoaded] = useState<Record<string, "ok" | "error">>({});
  const afterState = loaded[after];
  return (
    <div
      className={cn("relative isolate overflow-hidden rounded-md select-none", CHECKER, className)}
      data-testid={testId}
      data-position={position}
    >
      {/* eslint-disable-next-line @next/next/no-img-element -- object URLs and presigned URLs */}
      <img
        src={before}
        alt={beforeLabel}
        className="absolute inset-0 size-full object-contain"
        draggable={false}
      />
      {/* eslint-disable-next-line @next/next/no-img-element -- object URLs and presigned URLs */}
      <img
        src={after}
        alt={afterLabel}
        className="absolute inset-0 size-full object-contain"
        style={{ clipPath: `inset(0 0 0 ${position}%)` }}
        draggable={false}
        onLoad={() => setLoaded((m) => ({ ...m, [after]: "ok" }))}
        onError={() => setLoaded((m) => ({ ...m, [after]: "error" }))}
      />
      {afterState !== "ok" && (
        <div
          className="pointer-events-none absolute right-2 bottom-2 z-20 rounded-md bg-black/70 px-2 py-1 text-xs text-white"
          role="status"
        >
          {afterState === "error"
            ? `The ${afterLabel.toLowerCase()} image could not be loaded.`
            : `Loading the ${afterLabel.toLowerCase()} image…`}
        </div>
      )}
      <div
        aria-hidden
        className="pointer-events-none absolute inset-y-0 w-0.5 -translate-x-1/2 bg-white shadow-[0_0_0_1px_rgba(0,0,0,0.4)]"
        style={{ left: `${position}%` }}
      >
        <div className="absolute top-1/2 left-1/2 flex size-7 -translate-x-1/2 -translate-y-1/2 items-center justify-center rounded-full border bg-background text-xs font-semibold text-foreground shadow">
          ⇔
        </div>
      </div>
      <span className="pointer-events-none absolute top-2 left-2 rounded bg-black/60 px-1.5 py-0.5 text-xs text-white">
        {beforeLabel}
      </span>
      <span className="pointer-events-none absolute top-2 right-2 rounded bg-black/60 px-1.5 py-0.5 text-xs text-white">
        {afterLabel}
      </span>
      {/* The range input is the control: full-size and invisible, so dragging anywhere moves it,
          and arrow keys and screen readers get a real slider. */}
      <input
        type="range"
        min={0}
        max={100}
        step={0.5}
        value={position}
        onChange={(e) => setPosition(Number(e.target.value))}
        aria-label={`Compare ${beforeLabel.toLowerCase()} and ${afterLabel.toLowerCase()}`}
        aria-valuetext={`${Math.round(position)}% ${beforeLabel.toLowerCase()}`}
        className="compare-range absolute inset-0 z-10 size-full cursor-ew-resize opacity-0"
      />
      {overlay}
    </div>
  );
}
