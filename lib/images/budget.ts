import "server-only";
import type { Chain } from "./chain";
import { resizedSize, rotatedSize, type Size } from "./ops";

// The preview's pixel budget. A preview is the chain rendered on a downscaled copy with every
// pixel size scaled alike (pipeline.ts, RenderOptions.scale), so it can be rendered at any scale
// and still look like the full-size result. The chain decides how large its images get on the
// way — a 64 × 64 PNG resized to 9990 × 9990 and blurred is 100 megapixels of blur — so before
// rendering, the chain's sizes are worked out without touching a pixel, and when the largest of
// them (the output included) would pass the budget, the copy and every size in the chain are
// scaled down together until it fits. The cost of any preview is then bounded by the budget,
// whatever the chain says; the Runner checks the same bound as it goes (pixelBudget).

/** The budget for a preview whose copy has this long side: twice the copy's square (rotations). */
export const pixelBudgetFor = (longSide: number) => 2 * longSide * longSide;

const pixels = (s: Size) => s.width * s.height;

/**
 * The largest image the chain makes on the way, its output included, when it starts from an image
 * of `start` pixels with every pixel size multiplied by `scale`: the same sizes as renderChain's
 * planner (pipeline.ts addStep and Runner.track) computes, step by step.
 */
export function peakPixels(start: Size, orientation: number, chain: Chain, scale: number): number {
  let size = { ...start };
  let peak = pixels(size);
  let oriented = false;
  const px = (v: number) => v * scale;
  for (const step of chain) {
    if (!step.enabled) continue;
    switch (step.kind) {
      case "autoOrient":
        if (!oriented && orientation >= 5 && orientation <= 8) {
          size = { width: size.height, height: size.width };
        }
        oriented = true;
        break;
      case "resize": {
        const side = (v: number | null) => (v === null ? null : Math.max(1, Math.round(px(v))));
        size = resizedSize(size, {
          t: "resize",
          width: side(step.width),
          height: side(step.height),
          fit: step.fit,
          withoutEnlargement: step.withoutEnlargement,
        });
        break;
      }
      case "crop": {
        const { width: W, height: H } = size;
        const left = Math.min(W - 1, Math.round(step.left * W));
        const top = Math.min(H - 1, Math.round(step.top * H));
        size = {
          width: Math.min(W - left, Math.max(1, Math.round(step.width * W))),
          height: Math.min(H - top, Math.max(1, Math.round(step.height * H))),
        };
        break;
      }
      case "rotate": {
        const turn = ((step.angle % 360) + 360) % 360;
        if (turn === 0) break;
        if (turn % 90 === 0) {
          if (turn % 180 !== 0) size = { width: size.height, height: size.width };
        } else size = rotatedSize(size, step.angle);
        break;
      }
      case "pixelate": {
        // Blown up to whole blocks, then cut back to the image's size.
        const block = Math.round(px(step.size));
        if (block >= 2) {
          const w = Math.ceil(size.width / block) * block;
          const h = Math.ceil(size.height / block) * block;
          peak = Math.max(peak, w * h);
        }
        break;
      }
      default:
        // Every other step keeps the size (watermarks are drawn inside the image).
        break;
    }
    peak = Math.max(peak, pixels(size));
  }
  return peak;
}

export type BudgetPlan = {
  /** The copy's size to render from (the same as given when the chain fits). */
  size: Size;
  /** The pixel-size multiplier to render with. */
  scale: number;
  /** The chain's largest image at that size and scale. */
  peak: number;
};

/**
 * The size to scale a preview copy of `size` (itself `scale` of the original) down to, and the
 * scale to render the chain with, so that no image of the chain passes `budget` pixels.
 */
export function planWithinBudget(
  size: Size,
  orientation: number,
  chain: Chain,
  scale: number,
  budget: number,
): BudgetPlan {
  let plan: BudgetPlan = { size, scale, peak: peakPixels(size, orientation, chain, scale) };
  // Every size in the chain scales with the copy, so one step nearly always lands within the
  // budget; rounding (and steps that vanish below 2 px) may take another. The chain's scale
  // follows the factor, not the rounded copy: a copy already 1 px wide cannot shrink, its chain can.
  let f = 1;
  for (let i = 0; i < 40 && plan.peak > budget; i++) {
    f *= Math.sqrt(budget / plan.peak) * 0.98;
    const width = Math.max(1, Math.round(size.width * f));
    const height = Math.max(1, Math.round(size.height * f));
    plan = {
      size: { width, height },
      scale: scale * f,
      peak: peakPixels({ width, height }, orientation, chain, scale * f),
    };
  }
  return plan;
}
