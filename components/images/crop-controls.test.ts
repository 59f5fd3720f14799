import { describe, expect, it } from "vitest";
import { Chain } from "@/lib/images/chain";
import { centredAspect, fromPixels, toPixels } from "./crop-controls";

const source = { width: 4000, height: 3000 };
const asStep = (rect: ReturnType<typeof centredAspect>) => ({
  id: "c",
  kind: "crop" as const,
  enabled: true,
  ...rect,
});

describe("crop presets and pixels", () => {
  it("centres the largest rectangle of each preset inside the image", () => {
    expect(toPixels(centredAspect(1, source), source)).toEqual({ x: 500, y: 0, w: 3000, h: 3000 });
    expect(toPixels(centredAspect(16 / 9, source), source)).toEqual({
      x: 0,
      y: 375,
      w: 4000,
      h: 2250,
    });
    expect(toPixels(centredAspect(4 / 3, source), source)).toEqual({
      x: 0,
      y: 0,
      w: 4000,
      h: 3000,
    });
    // A portrait image: a square spans its width.
    const tall = { width: 1080, height: 1920 };
    expect(toPixels(centredAspect(1, tall), tall)).toEqual({ x: 0, y: 420, w: 1080, h: 1080 });
  });

  it("keeps the ratio when one side is typed, and the rectangle inside the image", () => {
    const px = { x: 500, y: 0, w: 3000, h: 3000 };
    expect(toPixels(fromPixels({ ...px, w: 1200 }, "w", source, 1), source)).toEqual({
      x: 500,
      y: 0,
      w: 1200,
      h: 1200,
    });
    expect(toPixels(fromPixels({ ...px, h: 900 }, "h", source, 16 / 9), source)).toEqual({
      x: 500,
      y: 0,
      w: 1600,
      h: 900,
    });
    // Too wide for the room right of x: both sides shrink, the ratio stays.
    const clamped = toPixels(fromPixels({ ...px, x: 3000, w: 5000 }, "w", source, 1), source);
    expect(clamped).toEqual({ x: 3000, y: 0, w: 1000, h: 1000 });
    // Free: each side on its own, clamped to the image.
    expect(toPixels(fromPixels({ ...px, h: 99_999 }, "h", source, null), source)).toEqual({
      x: 500,
      y: 0,
      w: 3000,
      h: 3000,
    });
  });

  it("makes crops the chain schema accepts", () => {
    for (const ratio of [1, 4 / 3, 16 / 9]) {
      for (const s of [source, { width: 1080, height: 1920 }, { width: 333, height: 777 }]) {
        const rect = centredAspect(ratio, s);
        expect(Chain.safeParse([asStep(rect)]).success).toBe(true);
        const typed = fromPixels({ x: 7, y: 3, w: 10_000, h: 1 }, "w", s, ratio);
        expect(Chain.safeParse([asStep(typed)]).success).toBe(true);
      }
    }
  });
});
