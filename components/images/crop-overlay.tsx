"use client";

import { useRef, useState, type PointerEvent } from "react";

export type CropRect = { left: number; top: number; width: number; height: number };

const MIN = 0.01;
const round = (n: number) => Math.round(n * 10_000) / 10_000;
const clamp01 = (n: number) => Math.min(1, Math.max(0, n));

/**
 * Drawn over the image as it is before the crop step: drag to draw the rectangle to keep. Values
 * are fractions of the image, so the same crop means the same region at full resolution.
 */
export function CropOverlay({
  rect,
  onChange,
  ratio = null,
}: {
  rect: CropRect;
  onChange: (rect: CropRect) => void;
  /** A locked aspect as width ÷ height in fractions of this image; null draws freely. */
  ratio?: number | null;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [start, setStart] = useState<{ x: number; y: number } | null>(null);

  const point = (e: PointerEvent) => {
    const r = box.current!.getBoundingClientRect();
    return {
      x: clamp01((e.clientX - r.left) / r.width),
      y: clamp01((e.clientY - r.top) / r.height),
    };
  };
  const rectFrom = (a: { x: number; y: number }, b: { x: number; y: number }): CropRect => {
    if (ratio) {
      // From the starting corner towards the pointer, as large as the drag and the room allow.
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const roomX = dx >= 0 ? 1 - a.x : a.x;
      const roomY = dy >= 0 ? 1 - a.y : a.y;
      const w = Math.max(
        MIN,
        Math.min(Math.max(Math.abs(dx), Math.abs(dy) * ratio), roomX, roomY * ratio),
      );
      const h = w / ratio;
      return {
        left: round(dx >= 0 ? a.x : a.x - w),
        top: round(dy >= 0 ? a.y : a.y - h),
        width: round(w),
        height: round(h),
      };
    }
    const left = round(Math.min(a.x, b.x));
    const top = round(Math.min(a.y, b.y));
    const width = round(Math.max(MIN, Math.min(1 - left, Math.abs(a.x - b.x))));
    const height = round(Math.max(MIN, Math.min(1 - top, Math.abs(a.y - b.y))));
    return { left, top, width, height };
  };

  return (
    <div
      ref={box}
      className="absolute inset-0 z-20 cursor-crosshair touch-none"
      data-testid="crop-overlay"
      role="application"
      aria-label="Draw the area to keep"
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        setStart(point(e));
      }}
      onPointerMove={(e) => {
        if (start) onChange(rectFrom(start, point(e)));
      }}
      onPointerUp={(e) => {
        if (start) onChange(rectFrom(start, point(e)));
        setStart(null);
      }}
      onPointerCancel={() => setStart(null)}
    >
      <div
        className="pointer-events-none absolute border-2 border-white shadow-[0_0_0_9999px_rgba(0,0,0,0.5)] outline outline-1 outline-black/50"
        style={{
          left: `${rect.left * 100}%`,
          top: `${rect.top * 100}%`,
          width: `${rect.width * 100}%`,
          height: `${rect.height * 100}%`,
        }}
      >
        <div className="absolute inset-0 grid grid-cols-3 grid-rows-3">
          {Array.from({ length: 9 }, (_, i) => (
            <span key={i} className="border border-white/30" />
          ))}
        </div>
      </div>
    </div>
  );
}
