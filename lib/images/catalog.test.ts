import { describe, expect, it } from "vitest";
import { Chain, ChainStep, OutputOptions } from "./chain";
import { defaultStep, DEFAULT_OUTPUT, STEP_CATALOG, STEP_KINDS, newStepId } from "./catalog";

describe("step catalog", () => {
  it("covers every step kind of the schema", () => {
    const schemaKinds = ChainStep.options.map((o) => o.shape.kind.value).sort();
    expect([...STEP_KINDS].sort()).toEqual(schemaKinds);
  });

  it.each(STEP_KINDS)("defaultStep(%s) parses with ChainStep", (kind) => {
    const step = defaultStep(kind, kind === "imageWatermark" ? { fileId: "file123" } : {});
    const parsed = ChainStep.safeParse(step);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.data).toEqual(step);
  });

  it("asks for a Drive image before an image watermark is valid", () => {
    expect(STEP_CATALOG.imageWatermark.needsDriveImage).toBe(true);
    const parsed = ChainStep.safeParse(defaultStep("imageWatermark"));
    expect(parsed.error?.issues[0]?.message).toBe("Pick an image from your Drive");
  });

  it("gives every numeric setting a slider range inside what the schema accepts", () => {
    for (const kind of STEP_KINDS) {
      const base = defaultStep(kind, kind === "imageWatermark" ? { fileId: "f" } : {});
      for (const p of STEP_CATALOG[kind].numbers) {
        expect(p.min, `${kind}.${p.key}`).toBeLessThan(p.max);
        expect(typeof (base as Record<string, unknown>)[p.key], `${kind}.${p.key}`).toMatch(
          p.nullable ? /number|object/ : /number/,
        );
        for (const v of [p.min, p.max]) {
          const res = ChainStep.safeParse({ ...base, [p.key]: v });
          // crop's refine ties fields together; every other bound must parse on its own.
          if (kind !== "crop") expect(res.success, `${kind}.${p.key}=${v}`).toBe(true);
        }
        expect(ChainStep.safeParse({ ...base, [p.key]: p.max + p.step * 10 }).success).toBe(false);
      }
    }
  });

  it("makes fresh, schema-valid ids", () => {
    const ids = new Set(Array.from({ length: 200 }, newStepId));
    expect(ids.size).toBe(200);
    const chain = STEP_KINDS.filter((k) => k !== "imageWatermark").map((k) => defaultStep(k));
    expect(Chain.safeParse(chain).success).toBe(true);
  });

  it("has a valid default output", () => {
    expect(OutputOptions.parse(DEFAULT_OUTPUT)).toEqual(DEFAULT_OUTPUT);
  });
});
