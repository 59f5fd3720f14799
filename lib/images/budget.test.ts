import { describe, expect, it } from "vitest";
import { defaultStep } from "./catalog";
import { ChainStep, type Chain } from "./chain";
import { peakPixels, pixelBudgetFor, planWithinBudget } from "./budget";

const step = (kind: Parameters<typeof defaultStep>[0], settings: object = {}) =>
  ChainStep.parse(defaultStep(kind, settings as never));

// The attack of issue 15: a 64 × 64 PNG, resized to 9990 × 9990, blurred with σ = 100.
const attack: Chain = [
  step("resize", { width: 9990, height: 9990, fit: "fill", withoutEnlargement: false }),
  step("blur", { sigma: 100 }),
];
const budget = pixelBudgetFor(1024);

describe("the preview's pixel budget", () => {
  it("sees the attack's 100 megapixels before rendering, and plans it within the budget", () => {
    expect(peakPixels({ width: 64, height: 64 }, 1, attack, 1)).toBe(9990 * 9990);
    const plan = planWithinBudget({ width: 64, height: 64 }, 1, attack, 1, budget);
    expect(plan.peak).toBeLessThanOrEqual(budget);
    // Not needlessly small either: the output still fills most of the budget.
    expect(plan.peak).toBeGreaterThan(budget / 2);
    expect(plan.scale).toBeCloseTo(plan.size.width / 64, 1);
    expect(peakPixels(plan.size, 1, attack, plan.scale)).toBe(plan.peak);
  });

  it("bounds an intermediate image even when the output is small", () => {
    // Blown up 5 × (the preview copy: 1024 × 768 of a 1600 × 1200 photo), then a small crop.
    const chain: Chain = [
      step("resize", { width: 8000, height: 6000, fit: "fill", withoutEnlargement: false }),
      step("crop", { left: 0.45, top: 0.45, width: 0.1, height: 0.1 }),
    ];
    const start = { width: 1024, height: 768 };
    expect(peakPixels(start, 1, chain, 0.64)).toBe(5120 * 3840);
    const plan = planWithinBudget(start, 1, chain, 0.64, budget);
    expect(plan.peak).toBeLessThanOrEqual(budget);
    expect(plan.scale).toBeLessThan(0.64 * Math.sqrt(budget / (5120 * 3840)) * 1.01);
  });

  it("leaves a chain within the budget as it is", () => {
    const chain: Chain = [step("rotate", { angle: 45 }), step("blur", { sigma: 3 })];
    const plan = planWithinBudget({ width: 1024, height: 768 }, 1, chain, 0.64, budget);
    expect(plan.size).toEqual({ width: 1024, height: 768 });
    expect(plan.scale).toBe(0.64);
  });

  it("shrinks the chain, not only the copy, when the copy is already tiny", () => {
    const chain: Chain = [
      step("resize", { width: 16384, height: 16384, fit: "fill", withoutEnlargement: false }),
    ];
    const plan = planWithinBudget({ width: 1, height: 1 }, 1, chain, 1, budget);
    expect(plan.size).toEqual({ width: 1, height: 1 });
    expect(plan.peak).toBeLessThanOrEqual(budget);
  });

  it("counts pixelate's whole blocks and the turn of autoOrient", () => {
    expect(peakPixels({ width: 10, height: 10 }, 1, [step("pixelate", { size: 4 })], 1)).toBe(144);
    const turned = [step("autoOrient"), step("crop", { left: 0, top: 0, width: 1, height: 0.5 })];
    expect(peakPixels({ width: 100, height: 10 }, 6, turned, 1)).toBe(1000);
    expect(
      peakPixels({ width: 100, height: 10 }, 6, [...turned, step("rotate", { angle: 90 })], 1),
    ).toBe(1000);
  });
});
